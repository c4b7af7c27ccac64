"""The review queue: one undecided lead at a time, decided by a human (each decision is a label
that retrains the campaign's model), with undo and a view of how much the model now decides."""

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from crm.access import get_team
from crm.models import Deal, Lead, Message, MessageStatus, Stage, Team
from crm.services import lead_qualify, lead_unqualify
from outreach.models import Campaign
from qualifier.models import Label, LabelSource, ModelState, ReviewItem, ReviewStatus

log = logging.getLogger(__name__)
TEMPLATE = "qualifier/review.html"
UNDO_KEY = "review_undo"
UNDO_DEPTH = 20
TREND_DAYS = 14
DECISIONS = {"qualify": True, "disqualify": False, "skip": None}


def explain_safely(campaign: Campaign | None, lead: Lead) -> dict | None:
    """The qualifier's explanation of a lead, or None when there is no model (or it fails)."""
    if campaign is None:
        return None
    from qualifier.service import explain

    try:
        return explain(campaign, lead)
    except Exception:  # a missing or broken model must not take the screen down with it
        log.exception("explain failed for lead %s in campaign %s", lead.pk, campaign.pk)
        return None


def campaign_filter(request: HttpRequest, team: Team) -> Campaign | None:
    """The `campaign` filter of a GET or POST: None for all, a 404 for another team's."""
    raw = (request.GET.get("campaign") or request.POST.get("campaign") or "").strip()
    if not raw.isdigit():
        return None
    return get_object_or_404(Campaign, pk=int(raw), team=team)


def _pending(team: Team, campaign: Campaign | None) -> QuerySet[ReviewItem]:
    qs = ReviewItem.objects.filter(campaign__team=team, status=ReviewStatus.PENDING)
    return qs.filter(campaign=campaign) if campaign else qs


def awaiting_messages(team: Team, campaign: Campaign | None) -> QuerySet[Message]:
    qs = Message.objects.filter(team=team, status=MessageStatus.AWAITING_APPROVAL)
    return qs.filter(campaign=campaign) if campaign else qs


def tab_counts(team: Team, campaign: Campaign | None) -> dict[str, int]:
    """The numbers on the two tabs: leads to review and follow-ups to approve."""
    return {"reviews": _pending(team, campaign).count(), "approvals": awaiting_messages(team, campaign).count()}


def _improvement(team: Team, campaign: Campaign | None) -> dict:
    """Labels per day by source over the last two weeks: the share the machine decided grows."""
    labels = Label.objects.filter(campaign__team=team)
    if campaign:
        labels = labels.filter(campaign=campaign)
    since = timezone.now() - timedelta(days=TREND_DAYS)
    rows = (
        labels.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values_list("day", "source")
        .annotate(n=Count("pk"))
    )
    days: dict = {}
    for day, source, n in rows:
        days.setdefault(day, {LabelSource.AUTO: 0, LabelSource.LLM: 0, LabelSource.HUMAN: 0})[source] = n
    trend = []
    for day in sorted(days):
        by = days[day]
        total = sum(by.values())
        machine = by[LabelSource.AUTO] + by[LabelSource.LLM]
        trend.append(
            {
                "day": day,
                "total": total,
                "human": by[LabelSource.HUMAN],
                "machine": machine,
                "share": round(100 * machine / total),
            }
        )
    totals = dict(labels.order_by().values_list("source").annotate(n=Count("pk")))
    total = sum(totals.values())
    machine = totals.get(LabelSource.AUTO, 0) + totals.get(LabelSource.LLM, 0)
    return {"trend": trend, "total": total, "machine_share": round(100 * machine / total) if total else None}


def _queue_context(request: HttpRequest, item_pk: int | None = None) -> dict:
    team = get_team(request)
    campaign = campaign_filter(request, team)
    pending = _pending(team, campaign)
    counts = tab_counts(team, campaign)
    rows = pending.select_related("lead__company", "campaign").order_by("pk")
    item = (rows.filter(pk=item_pk).first() if item_pk else None) or rows.filter(pk__gt=item_pk or 0).first()
    item = item or rows.first()
    context = {
        "campaign": campaign,
        "campaigns": Campaign.objects.filter(team=team).only("pk", "name"),
        "item": item,
        "tab_counts": counts,
        "left": counts["reviews"],
        "can_undo": bool(request.session.get(UNDO_KEY)),
        "improvement": _improvement(team, campaign),
        "model_state": ModelState.objects.filter(campaign=campaign).first() if campaign else None,
    }
    if item:
        ids = pending.order_by("pk").values_list("pk", flat=True)
        context["prev_pk"] = ids.filter(pk__lt=item.pk).order_by("-pk").first()
        context["next_pk"] = ids.filter(pk__gt=item.pk).first()
        context["explanation"] = explain_safely(item.campaign, item.lead)
        context["positions"] = (item.lead.profile or {}).get("positions") or []
    return context


def _render_queue(request: HttpRequest, item_pk: int | None = None) -> HttpResponse:
    context = _queue_context(request, item_pk)
    if request.htmx:
        return render(request, f"{TEMPLATE}#review-item", context)
    return render(request, TEMPLATE, context)


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The queue; `?item=` shows a given pending lead (J / K), htmx gets just the item panel."""
    raw = request.GET.get("item", "")
    return _render_queue(request, int(raw) if raw.isdigit() else None)


def _snapshot(item: ReviewItem) -> dict:
    """What a decision may change, so that undo can put it back."""
    label = Label.objects.filter(campaign=item.campaign, lead=item.lead).first()
    deal = Deal.objects.filter(campaign=item.campaign, lead=item.lead).first()
    fields = ("qualified", "source", "reason", "probability", "entropy", "std", "user_id")
    return {
        "item": item.pk,
        "label": {name: getattr(label, name) for name in fields} if label else None,
        "deal": {"stage": deal.stage, "score": deal.score} if deal else None,
    }


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Qualify, disqualify or skip one lead; the response is the next lead."""
    team = get_team(request)
    item = get_object_or_404(ReviewItem.objects.select_related("lead", "campaign"), pk=pk, campaign__team=team)
    decision = request.POST.get("decision", "")
    if decision not in DECISIONS:
        return HttpResponse("Unknown decision: use qualify, disqualify or skip.", status=400, content_type="text/plain")
    if item.status != ReviewStatus.PENDING:
        messages.warning(request, f"{item.lead} was already decided.")
        return _respond(request, item.pk)
    snapshot = {**_snapshot(item), "decision": decision}
    with transaction.atomic():
        if decision != "skip":
            from qualifier.service import record_label

            reason = request.POST.get("reason", "").strip()[:2000] or "decided in the review queue"
            record_label(
                campaign=item.campaign,
                lead=item.lead,
                qualified=DECISIONS[decision],
                source=LabelSource.HUMAN,
                reason=reason,
                user=request.user,
            )
        item.status = ReviewStatus.SKIPPED if decision == "skip" else ReviewStatus.DONE
        item.decided_at = timezone.now()
        item.save(update_fields=["status", "decided_at"])
    request.session[UNDO_KEY] = [*request.session.get(UNDO_KEY, [])[-(UNDO_DEPTH - 1) :], snapshot]
    verb = {"qualify": "Qualified", "disqualify": "Disqualified", "skip": "Skipped"}[decision]
    messages.success(request, f"{verb} {item.lead}.")
    return _respond(request, item.pk)


def _respond(request: HttpRequest, item_pk: int | None) -> HttpResponse:
    """After a POST: htmx gets the queue's item panel in place, a plain form post a redirect."""
    if request.htmx:
        return _render_queue(request, item_pk)
    raw = (request.POST.get("campaign") or "").strip()
    return redirect(reverse("review") + (f"?campaign={raw}" if raw.isdigit() else ""))


def _restore(snapshot: dict, item: ReviewItem) -> None:
    """Put the label and the deal back as they were before the decision."""
    campaign, lead = item.campaign, item.lead
    label = snapshot["label"]
    if label is None:
        Label.objects.filter(campaign=campaign, lead=lead).delete()
    else:
        Label.objects.update_or_create(campaign=campaign, lead=lead, defaults=label)
    deal_now = Deal.objects.filter(campaign=campaign, lead=lead).first()
    if snapshot["deal"] is None and deal_now is not None and deal_now.stage == Stage.NEW:
        lead_unqualify(lead=lead, campaign=campaign)
    elif snapshot["deal"] is not None and deal_now is None:
        lead_qualify(lead=lead, campaign=campaign, score=snapshot["deal"]["score"])


@login_required
@require_POST
def review_undo(request: HttpRequest) -> HttpResponse:
    """Undo the last decision: the lead is pending again and its label and deal are as before."""
    team = get_team(request)
    stack = list(request.session.get(UNDO_KEY, []))
    if not stack:
        messages.info(request, "Nothing to undo.")
        return _respond(request, None)
    snapshot = stack.pop()
    request.session[UNDO_KEY] = stack
    item = (
        ReviewItem.objects.select_related("lead", "campaign").filter(pk=snapshot["item"], campaign__team=team).first()
    )
    if item is None:
        messages.warning(request, "That lead is no longer in the queue.")
        return _respond(request, None)
    with transaction.atomic():
        if snapshot["decision"] != "skip":
            _restore(snapshot, item)
            from qualifier.service import enqueue_refit

            enqueue_refit(item.campaign_id)  # the label set changed back: the model follows
        item.status, item.decided_at = ReviewStatus.PENDING, None
        item.save(update_fields=["status", "decided_at"])
    messages.success(request, f"Undone: {item.lead} is back in the queue.")
    return _respond(request, item.pk)
