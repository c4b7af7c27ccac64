"""The pipeline kanban: the board, a column's next page, and moving a card between columns."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from crm.access import get_deal_for_user, get_lead_for_user, get_team
from crm.models import Deal, Stage
from crm.services import IllegalTransition, deal_move
from outreach.models import Campaign
from outreach.views.pipeline_board import (
    COLUMN_KEYS,
    COLUMNS,
    DEAL_COLUMNS,
    PAGE_SIZE,
    Column,
    build_board,
    column_cards,
    column_counts,
    parse_filters,
    shown_per_column,
)

TEMPLATE = "outreach/pipeline/board.html"
MOVE_REASON = "moved on the board"


class IllegalMove(Exception):
    """A drop the pipeline does not allow; the message says why."""


def _board_context(request: HttpRequest, data) -> dict:
    team = get_team(request)
    filters = parse_filters(team, data)
    return {
        "filters": filters,
        "columns": build_board(team, filters, shown_per_column(data)),
        "campaigns": Campaign.objects.filter(team=team).only("pk", "name"),
        "accounts": team.linkedin_accounts.only("pk", "username"),
        "query": filters.as_query(),
    }


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The whole page; an htmx request (filter change or the 10 s poll) gets just the board."""
    context = _board_context(request, request.GET)
    if request.htmx and request.htmx.target == "board":
        return render(request, f"{TEMPLATE}#board", context)
    return render(request, TEMPLATE, context)


@login_required
@require_GET
def column_page(request: HttpRequest, key: str) -> HttpResponse:
    """The next page of one column ("Load more")."""
    if key not in COLUMN_KEYS:
        return HttpResponse("Unknown column.", status=404, content_type="text/plain")
    team = get_team(request)
    filters = parse_filters(team, request.GET)
    raw = request.GET.get("offset", "0")
    offset = int(raw) if raw.isdigit() else 0
    cards = column_cards(team, filters, key, offset, PAGE_SIZE)
    count = column_counts(team, filters)[key]
    title = dict(COLUMNS)[key]
    column = Column(key, title, count, cards, offset + len(cards))
    context = {"column": column, "query": filters.as_query(), "filters": filters}
    return render(request, f"{TEMPLATE}#column-page", context)


def _campaign_for_lead_move(request: HttpRequest) -> Campaign:
    # The drawer names its campaign apart from the board's filter, which it also sends.
    raw = (request.POST.get("label_campaign") or request.POST.get("campaign", "")).strip()
    if not raw.isdigit():
        raise IllegalMove("choose a campaign in the filter first: a qualification is per campaign")
    return get_object_or_404(Campaign, pk=int(raw), team=get_team(request))


def _move_deal(request: HttpRequest, pk: int, to: str) -> str:
    deal = get_deal_for_user(request, pk)
    if to == "disqualified":
        if deal.stage != Stage.NEW:
            raise IllegalMove(f"only a new deal can be disqualified; this one is {Stage(deal.stage).label}")
        from qualifier.service import record_label

        record_label(
            campaign=deal.campaign,
            lead=deal.lead,
            qualified=False,
            source="human",
            reason=MOVE_REASON,
            user=request.user,
        )
        return f"{deal.lead} disqualified in {deal.campaign}."
    if to not in DEAL_COLUMNS:
        raise IllegalMove(f"a deal cannot go back to {dict(COLUMNS)[to]}")
    deal_move(deal=deal, to=to, user=request.user, reason=MOVE_REASON)
    return f"{deal.lead} moved to {Stage(to).label}."


def _move_lead(request: HttpRequest, pk: int, to: str) -> str:
    """Qualify or disqualify a lead by hand; checked against where the lead really stands."""
    lead = get_lead_for_user(request, pk)
    if to not in (Stage.NEW, "disqualified"):
        raise IllegalMove(
            f"a lead without a deal can only be qualified or disqualified, not moved to {dict(COLUMNS)[to]}"
        )
    if lead.disqualified:
        raise IllegalMove(f"{lead} is excluded for the whole team")
    if not lead.is_enriched:
        raise IllegalMove(f"{lead} has not been enriched yet: its profile is still unknown")
    campaign = _campaign_for_lead_move(request)
    deal = Deal.objects.filter(lead=lead, campaign=campaign).first()
    qualified = to == Stage.NEW
    if deal is not None and (qualified or deal.stage != Stage.NEW):
        raise IllegalMove(f"{lead} already has a {Stage(deal.stage).label} deal in {campaign}")
    from qualifier.service import record_label

    record_label(
        campaign=campaign, lead=lead, qualified=qualified, source="human", reason=MOVE_REASON, user=request.user
    )
    return f"{lead} {'qualified' if qualified else 'disqualified'} in {campaign}."


@login_required
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    """Drop a card on a column. Illegal moves answer 409 with the reason and change nothing."""
    kind, to = request.POST.get("kind"), request.POST.get("to", "")
    raw_pk = request.POST.get("id", "")
    if kind not in ("deal", "lead") or to not in COLUMN_KEYS or not raw_pk.isdigit():
        return HttpResponse("That move was not understood (kind, id or column missing).", status=400)
    try:
        mover = _move_deal if kind == "deal" else _move_lead
        done = mover(request, int(raw_pk), to)
    except (IllegalTransition, IllegalMove) as exc:
        return HttpResponse(f"Not moved: {exc}.", status=409, content_type="text/plain")
    messages.success(request, done)
    if not request.htmx:
        nxt = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
        return redirect(nxt if safe else "pipeline")
    return render(request, f"{TEMPLATE}#board", _board_context(request, request.POST))
