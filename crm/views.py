"""Sign-up and the dashboard. Log in / out and password change are Django's own auth views."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from crm.forms import SignupForm
from crm.models import (
    Activity,
    Deal,
    Invitation,
    Lead,
    Membership,
    Message,
    MessageDirection,
    MessageStatus,
    Role,
    Stage,
    Team,
)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account. With an invitation token the user joins that team; else a new team."""
    token = request.GET.get("invite") or request.POST.get("invite") or ""
    invitation = None
    if token:
        invitation = get_object_or_404(Invitation, token=token, accepted_at__isnull=True)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if invitation:
                Membership.objects.create(user=user, team=invitation.team, role=invitation.role)
                invitation.accepted_by, invitation.accepted_at = user, timezone.now()
                invitation.save(update_fields=["accepted_by", "accepted_at"])
            else:
                team = Team.objects.create(name=f"{user.username}'s team")
                Membership.objects.create(user=user, team=team, role=Role.OWNER)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form, "invitation": invitation})


FUNNEL_STEPS = [
    ("discovered", "Discovered"),
    ("qualified", "Qualified"),
    ("invited", "Invited"),
    ("accepted", "Accepted"),
    ("messaged", "Messaged"),
]
INVITED_STAGES = (Stage.PENDING, Stage.CONNECTED, Stage.COMPLETED)
ACCEPTED_STAGES = (Stage.CONNECTED, Stage.COMPLETED)
RECENT_ACTIVITY = 15


def _funnels(team: Team) -> list[dict]:
    """Each campaign's funnel, in one grouped query per step (not per campaign)."""
    discovered = dict(
        Lead.objects.filter(team=team, source_campaign__isnull=False)
        .order_by()
        .values_list("source_campaign")
        .annotate(n=Count("pk"))
    )
    deals = {
        row["campaign"]: row
        for row in Deal.objects.filter(team=team)
        .order_by()
        .values("campaign")
        .annotate(
            qualified=Count("pk"),
            invited=Count("pk", filter=Q(stage__in=INVITED_STAGES)),
            accepted=Count("pk", filter=Q(stage__in=ACCEPTED_STAGES)),
        )
    }
    messaged = dict(
        Message.objects.filter(team=team, direction=MessageDirection.OUT, status=MessageStatus.SENT)
        .order_by()
        .values_list("campaign")
        .annotate(n=Count("lead", distinct=True))
    )
    funnels = []
    for campaign in team.campaigns.order_by("name").only("pk", "name", "active"):
        row = deals.get(campaign.pk, {})
        counts = {
            "discovered": discovered.get(campaign.pk, 0),
            "qualified": row.get("qualified", 0),
            "invited": row.get("invited", 0),
            "accepted": row.get("accepted", 0),
            "messaged": messaged.get(campaign.pk, 0),
        }
        top = max(counts.values()) or 1
        steps = [(label, counts[key], round(100 * counts[key] / top)) for key, label in FUNNEL_STEPS]
        rate = counts["accepted"] / counts["invited"] if counts["invited"] else None
        funnels.append({"campaign": campaign, "steps": steps, "acceptance_rate": rate})
    return funnels


def _today(team: Team) -> dict:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Activity.objects.filter(team=team, created_at__gte=start)
    summary = today.order_by().values("kind", "result").annotate(n=Count("pk")).order_by("-n", "kind")
    recent = today.select_related("lead", "campaign", "account", "user")[:RECENT_ACTIVITY]
    return {"summary": list(summary), "recent": list(recent)}


def _waiting(team: Team) -> dict:
    """What waits for a human: leads to review and follow-ups to approve."""
    return {
        # Through the lead's reverse relation: the CRM does not import the qualifier app.
        "reviews": Lead.objects.filter(team=team, review_items__status="pending").count(),
        "approvals": Message.objects.filter(team=team, status=MessageStatus.AWAITING_APPROVAL).count(),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Per campaign the funnel with its acceptance rate, and what happened today.

    A user who has not finished onboarding never gets here: OnboardingGate sends them to the wizard."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "crm/dashboard.html", {"funnels": [], "today": None})
    team = membership.team
    context = {"funnels": _funnels(team), "today": _today(team), "waiting": _waiting(team)}
    return render(request, "crm/dashboard.html", context)
