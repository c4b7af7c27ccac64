"""The kanban's data: which leads and deals sit in which column, counted in two queries and
listed one page per column, so the board's query count does not grow with the cards shown."""

from dataclasses import dataclass, field
from functools import cache

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, QueryDict
from django.urls import reverse

from crm.models import Deal, Lead, Stage, Team
from crm.services import TRANSITIONS
from outreach.models import Campaign, LinkedInAccount
from qualifier.models import Label

PAGE_SIZE = 25
MAX_SHOWN = 500  # a poll never re-renders more than this many cards per column

COLUMNS: list[tuple[str, str]] = [
    ("discovered", "Discovered"),
    ("enriched", "Enriched"),
    (Stage.NEW.value, "Qualified / New"),
    (Stage.PENDING.value, "Pending"),
    (Stage.CONNECTED.value, "Connected"),
    (Stage.COMPLETED.value, "Completed"),
    (Stage.FAILED.value, "Failed"),
    ("disqualified", "Disqualified"),
]
COLUMN_KEYS = [key for key, _ in COLUMNS]
DEAL_COLUMNS = frozenset(stage.value for stage in Stage)
LEAD_COLUMNS = frozenset({"discovered", "enriched", "disqualified"})


@dataclass
class BoardFilters:
    campaign: Campaign | None = None
    account: LinkedInAccount | None = None
    q: str = ""
    errors: list[str] = field(default_factory=list)

    def as_query(self) -> dict[str, str]:
        out = {}
        if self.campaign:
            out["campaign"] = str(self.campaign.pk)
        if self.account:
            out["account"] = str(self.account.pk)
        if self.q:
            out["q"] = self.q
        return out


def _team_row(model, team: Team, raw: str, name: str, errors: list[str]):
    """A filter's row of the user's team: a non-number is reported, another team's id is a 404."""
    if not raw:
        return None
    if not raw.isdigit():
        errors.append(f"Ignored the {name} filter: {raw[:40]!r} is not a valid choice.")
        return None
    try:
        return model.objects.get(pk=int(raw), team=team)
    except model.DoesNotExist:
        raise Http404(f"No such {name}.") from None


def parse_filters(team: Team, data: QueryDict) -> BoardFilters:
    errors: list[str] = []
    campaign = _team_row(Campaign, team, data.get("campaign", "").strip(), "campaign", errors)
    account = _team_row(LinkedInAccount, team, data.get("account", "").strip(), "account", errors)
    q = " ".join(data.get("q", "").split())[:100]
    return BoardFilters(campaign=campaign, account=account, q=q, errors=errors)


def _search(q: str, prefix: str = "") -> Q:
    cond = Q()
    for word in q.split():
        cond &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}headline__icontains": word})
            | Q(**{f"{prefix}company__name__icontains": word})
            | Q(**{f"{prefix}public_id__icontains": word})
        )
    return cond


def _narrowed(qs: QuerySet, f: BoardFilters, campaign_path: str, lead_prefix: str = "") -> QuerySet:
    """The account and search filters, for deals (through their lead) or for leads."""
    if f.account:
        qs = qs.filter(**{f"{campaign_path}__accounts": f.account})
    return qs.filter(_search(f.q, lead_prefix)) if f.q else qs


def _deals(team: Team, f: BoardFilters) -> QuerySet[Deal]:
    qs = Deal.objects.filter(team=team, **({"campaign": f.campaign} if f.campaign else {}))
    return _narrowed(qs, f, "campaign", "lead__")


def _leads(team: Team, f: BoardFilters) -> QuerySet[Lead]:
    return _narrowed(Lead.objects.filter(team=team), f, "source_campaign")


def _lead_column_q(key: str, f: BoardFilters) -> Q:
    """Where a lead without a deal stands in the filtered campaign (or in any campaign). The
    subqueries are uncorrelated, so the database evaluates each once, not once per lead."""
    labels = Label.objects.filter(campaign=f.campaign) if f.campaign else Label.objects.all()
    if key == "discovered":
        cond = Q(enriched_at__isnull=True, disqualified=False)
        return cond & Q(source_campaign=f.campaign) if f.campaign else cond
    if key == "enriched":
        deals = Deal.objects.filter(campaign=f.campaign) if f.campaign else Deal.objects.all()
        decided = Q(pk__in=labels.values("lead_id")) | Q(pk__in=deals.values("lead_id"))
        return Q(enriched_at__isnull=False, disqualified=False) & ~decided
    return Q(disqualified=True) | Q(pk__in=labels.filter(qualified=False).values("lead_id"))


def column_counts(team: Team, f: BoardFilters) -> dict[str, int]:
    """Every column's size: one aggregate over leads, one grouped count over deals."""
    counts = _leads(team, f).aggregate(
        **{key: Count("pk", filter=_lead_column_q(key, f)) for key in ("discovered", "enriched", "disqualified")}
    )
    by_stage = dict(_deals(team, f).order_by().values_list("stage").annotate(n=Count("pk")))
    counts.update({stage: by_stage.get(stage, 0) for stage in DEAL_COLUMNS})
    return counts


CARD_LEAD_FIELDS = ("first_name", "last_name", "public_id", "headline", "last_activity_at", "disqualified")


def column_cards(team: Team, f: BoardFilters, key: str, offset: int = 0, limit: int = PAGE_SIZE) -> list:
    """One page of a column, as Card objects, in one query. The page is chosen on the card's own
    table first, so only the cards shown are joined to their lead and company."""
    if key in DEAL_COLUMNS:
        page = _deals(team, f).filter(stage=key).order_by("-stage_changed_at", "-pk")[offset : offset + limit]
        rows = (
            Deal.objects.filter(pk__in=page.values("pk"))
            .select_related("lead__company")
            .annotate(campaign_name=F("campaign__name"))
            .only(
                "stage",
                "score",
                "campaign_id",
                "stage_changed_at",
                "lead__company__name",
                *(f"lead__{name}" for name in CARD_LEAD_FIELDS),
            )
            .order_by("-stage_changed_at", "-pk")
        )
        return [Card.for_deal(deal) for deal in rows]
    order = {"discovered": "-discovered_at", "enriched": "-enriched_at", "disqualified": "-last_activity_at"}[key]
    page = _leads(team, f).filter(_lead_column_q(key, f)).order_by(order, "-pk")[offset : offset + limit]
    rows = (
        Lead.objects.filter(pk__in=page.values("pk"))
        .select_related("company")
        .only("source_campaign_id", "discovered_at", "enriched_at", "company__name", *CARD_LEAD_FIELDS)
        .order_by(order, "-pk")
    )
    if key == "disqualified":  # the campaign a card would be qualified again in
        rejected = Label.objects.filter(lead=OuterRef("pk"), qualified=False)
        if f.campaign:
            rejected = rejected.filter(campaign=f.campaign)
        rows = rows.annotate(rejected_in=Subquery(rejected.order_by("-updated_at").values("campaign_id")[:1]))
    return [Card.for_lead(lead, key, f.campaign.pk if f.campaign else lead.source_campaign_id) for lead in rows]


def legal_targets(kind: str, column: str, lead_excluded: bool = False) -> list[str]:
    """The columns a card may be dropped on (the server checks again on every move)."""
    if kind == "deal":
        targets = [str(stage) for stage in TRANSITIONS.get(column, ())]
        return sorted([*targets, "disqualified"] if column == Stage.NEW else targets, key=COLUMN_KEYS.index)
    if column == "enriched":
        return [Stage.NEW.value, "disqualified"]
    if column == "disqualified" and not lead_excluded:
        return [Stage.NEW.value]
    return []


@cache
def _lead_url_pattern() -> str:
    """`reverse()` once, not twice per card: it is a third of a big board's render time."""
    return reverse("lead_detail", args=[123456789]).replace("123456789", "{}")


@dataclass
class Card:
    kind: str  # "deal" or "lead"
    pk: int
    column: str
    lead: Lead
    campaign_id: int | None
    campaign_name: str = ""
    score: float | None = None

    @property
    def dom_id(self) -> str:
        return f"card-{self.kind}-{self.pk}"

    @property
    def url(self) -> str:
        """The lead drawer, explained in the card's campaign."""
        url = _lead_url_pattern().format(self.lead.pk)
        return f"{url}?campaign={self.campaign_id}" if self.campaign_id else url

    @property
    def targets(self) -> str:
        return " ".join(legal_targets(self.kind, self.column, self.lead.disqualified))

    @classmethod
    def for_deal(cls, deal: Deal) -> "Card":
        return cls("deal", deal.pk, deal.stage, deal.lead, deal.campaign_id, deal.campaign_name, deal.score)

    @classmethod
    def for_lead(cls, lead: Lead, column: str, campaign_id: int | None) -> "Card":
        if column == "disqualified" and getattr(lead, "rejected_in", None):
            campaign_id = lead.rejected_in
        return cls("lead", lead.pk, column, lead, campaign_id)


@dataclass
class Column:
    key: str
    title: str
    count: int
    cards: list[Card]
    shown: int

    @property
    def more(self) -> bool:
        return self.shown < self.count


def shown_per_column(data: QueryDict) -> dict[str, int]:
    """How many cards each column showed before a refresh (`show_<key>`), so a poll keeps them."""
    shown = {}
    for key in COLUMN_KEYS:
        raw = data.get(f"show_{key}", "")
        shown[key] = min(max(int(raw), PAGE_SIZE), MAX_SHOWN) if raw.isdigit() else PAGE_SIZE
    return shown


def build_board(team: Team, f: BoardFilters, shown: dict[str, int] | None = None) -> list[Column]:
    counts = column_counts(team, f)
    columns = []
    for key, title in COLUMNS:
        limit = (shown or {}).get(key, PAGE_SIZE)
        cards = column_cards(team, f, key, 0, limit)
        columns.append(Column(key, title, counts[key], cards, len(cards)))
    return columns
