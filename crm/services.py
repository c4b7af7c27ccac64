"""CRM workflows: the deal state machine and the lead lifecycle.

The only place where a deal changes stage is `deal_move`; an illegal transition raises
`IllegalTransition` and changes nothing.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.models import Activity, ActivityResult, Company, Contact, Deal, Lead, Stage, Team

# The pipeline's legal moves. FAILED → NEW lets a human put a lead back in the queue;
# PENDING → NEW covers a withdrawn invitation.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    Stage.NEW: frozenset({Stage.PENDING, Stage.CONNECTED, Stage.FAILED}),
    Stage.PENDING: frozenset({Stage.CONNECTED, Stage.NEW, Stage.FAILED}),
    Stage.CONNECTED: frozenset({Stage.COMPLETED, Stage.FAILED}),
    Stage.COMPLETED: frozenset(),
    Stage.FAILED: frozenset({Stage.NEW}),
}

PENDING_INITIAL_BACKOFF_HOURS = 24


class IllegalTransition(Exception):
    """A deal was asked to move to a stage its current stage cannot reach."""

    def __init__(self, deal: Deal, to: str) -> None:
        self.deal, self.to = deal, to
        super().__init__(f"a deal cannot move from {Stage(deal.stage).label} to {Stage(to).label}")


def can_move(frm: str, to: str) -> bool:
    return to in TRANSITIONS.get(frm, frozenset())


def activity_log(
    *,
    team: Team,
    kind: str,
    lead: Lead | None = None,
    campaign=None,
    account=None,
    user=None,
    result: str = ActivityResult.OK,
    detail: str = "",
    data: dict[str, Any] | None = None,
) -> Activity:
    """Record one action; also stamps the lead's last activity time."""
    now = timezone.now()
    act = Activity.objects.create(
        team=team,
        kind=kind,
        lead=lead,
        campaign=campaign,
        account=account,
        user=user,
        result=result,
        detail=detail[:5000],
        data=data or {},
        created_at=now,
    )
    if lead is not None:
        Lead.objects.filter(pk=lead.pk).update(last_activity_at=now)
    return act


def deal_move(*, deal: Deal, to: str, user=None, account=None, reason: str = "") -> Deal:
    """Move a deal to another stage, enforcing the state machine, and log it.

    Re-reads the deal under a row lock so two workers cannot both move it from the same stage.
    """
    to = Stage(to)
    with transaction.atomic():
        current = Deal.objects.select_for_update().get(pk=deal.pk)
        if not can_move(current.stage, to):
            raise IllegalTransition(current, to)
        now = timezone.now()
        frm = current.stage
        current.stage = to
        current.stage_changed_at = now
        # Back-off and scheduling metadata belong to the stage they were set in.
        if Stage.PENDING in (frm, to):
            current.next_step = {}
        if to == Stage.PENDING:
            current.next_step = {"backoff_hours": PENDING_INITIAL_BACKOFF_HOURS}
            current.next_action_at = now + timedelta(hours=PENDING_INITIAL_BACKOFF_HOURS)
        else:
            current.next_action_at = None
        current.failure_reason = reason if to == Stage.FAILED else ""
        current.save(
            update_fields=["stage", "stage_changed_at", "next_step", "next_action_at", "failure_reason", "updated_at"]
        )
        activity_log(
            team=current.team,
            kind="stage",
            lead=current.lead,
            campaign=current.campaign,
            account=account,
            user=user,
            detail=f"{Stage(frm).label} → {to.label}" + (f": {reason}" if reason else ""),
            data={"from": frm, "to": str(to)},
        )
    deal.refresh_from_db()
    return deal


def deal_backoff(*, deal: Deal) -> Deal:
    """A pending deal is still pending: double its back-off and schedule the next check."""
    hours = int(deal.next_step.get("backoff_hours", PENDING_INITIAL_BACKOFF_HOURS)) * 2
    deal.next_step = {**deal.next_step, "backoff_hours": hours}
    deal.next_action_at = timezone.now() + timedelta(hours=hours)
    deal.save(update_fields=["next_step", "next_action_at", "updated_at"])
    return deal


def lead_discover(*, team: Team, public_id: str, url: str, campaign=None) -> tuple[Lead, bool]:
    """Record a profile URL seen on LinkedIn. Returns (lead, created); existing leads are untouched."""
    lead, created = Lead.objects.get_or_create(
        team=team,
        public_id=public_id,
        defaults={"linkedin_url": url, "source_campaign": campaign},
    )
    return lead, created


def company_for(*, team: Team, name: str) -> Company | None:
    name = (name or "").strip()
    if not name:
        return None
    company, _ = Company.objects.get_or_create(team=team, name=name[:255])
    return company


def lead_enrich(*, lead: Lead, profile: Mapping[str, Any], raw: Mapping[str, Any] | None = None) -> Lead:
    """Store a parsed profile on the lead (names, headline, location, company) and mark it enriched."""
    positions = profile.get("positions") or []
    lead.first_name = (profile.get("first_name") or "")[:200]
    lead.last_name = (profile.get("last_name") or "")[:200]
    lead.headline = (profile.get("headline") or "")[:500]
    lead.location = (profile.get("location") or "")[:255]
    lead.country_code = (profile.get("country_code") or "")[:8]
    lead.urn = (profile.get("urn") or "")[:200]
    lead.connection_degree = profile.get("connection_degree")
    lead.profile = dict(profile)
    lead.raw_voyager = dict(raw) if raw is not None else None
    lead.company = company_for(team=lead.team, name=positions[0].get("company_name", "") if positions else "")
    lead.enriched_at = timezone.now()
    lead.enrich_error = ""
    lead.save()
    return lead


def lead_qualify(*, lead: Lead, campaign, score: float | None = None) -> Deal:
    """Promote a qualified lead: a Contact (once) and a NEW deal in the campaign (once)."""
    with transaction.atomic():
        Contact.objects.get_or_create(team=lead.team, lead=lead, defaults={"company": lead.company})
        deal, created = Deal.objects.get_or_create(
            lead=lead, campaign=campaign, defaults={"team": lead.team, "stage": Stage.NEW, "score": score}
        )
        if not created and score is not None and deal.score != score:
            deal.score = score
            deal.save(update_fields=["score", "updated_at"])
    return deal


def lead_unqualify(*, lead: Lead, campaign) -> None:
    """Undo a qualification that has not been acted on: drop the campaign's NEW deal."""
    Deal.objects.filter(lead=lead, campaign=campaign, stage=Stage.NEW).delete()
