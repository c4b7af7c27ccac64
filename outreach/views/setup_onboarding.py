"""The onboarding wizard: one step per page, resumable (Membership.onboarding_step), back/next.

Owners walk all five steps: team, first campaign, LinkedIn account, LLM, legal notice. Members who
joined through an invitation find the team, its campaigns and its LLM already set up, so they only
add their own LinkedIn account (optional for them) and accept the legal notice.
Finishing starts the first campaign with the account linked.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from crm.access import get_membership
from crm.models import Membership, Team
from outreach.engine.control import start_campaign
from outreach.models import Campaign, LinkedInAccount
from outreach.views.setup_forms import AccountForm, CampaignBasicsForm, LegalForm, LLMForm, TeamNameForm, posted
from outreach.views.setup_login import login_test_state, start_test_login

TEMPLATE = "outreach/setup/onboarding.html"
TITLES = {1: "Your team", 2: "First campaign", 3: "LinkedIn account", 4: "AI model", 5: "Legal notice"}
OWNER_STEPS = (1, 2, 3, 4, 5)
MEMBER_STEPS = (3, 5)
EXEMPT_PREFIXES = ("/onboarding/", "/login/", "/logout/", "/signup/", "/password/", "/admin/", "/static/")


class OnboardingGate:
    """Sends a user whose onboarding is not done to the wizard (full-page GETs only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership: Membership | None = getattr(request, "membership", None)
        if (
            membership is not None
            and not membership.onboarding_done
            and request.method == "GET"
            and not getattr(request, "htmx", False)
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect("onboarding")
        return self.get_response(request)


def steps_for(membership: Membership) -> tuple[int, ...]:
    return OWNER_STEPS if membership.is_owner else MEMBER_STEPS


def current_step(membership: Membership) -> int:
    """The furthest step reached, mapped onto this user's steps."""
    steps = steps_for(membership)
    return next((s for s in steps if s >= membership.onboarding_step), steps[-1])


def onboarding_campaign(membership: Membership) -> Campaign | None:
    mine = Campaign.objects.filter(team=membership.team, created_by=membership.user)
    return mine.order_by("-created_at", "-pk").first()


def onboarding_account(membership: Membership) -> LinkedInAccount | None:
    mine = LinkedInAccount.objects.filter(team=membership.team, owner=membership.user)
    return mine.order_by("-created_at", "-pk").first()


def _advance(membership: Membership, step: int) -> HttpResponse:
    steps = steps_for(membership)
    following = steps[steps.index(step) + 1]
    if membership.onboarding_step < following:
        membership.onboarding_step = following
        membership.save(update_fields=["onboarding_step"])
    return redirect("onboarding_step", step=following)


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    membership = get_membership(request)
    if membership.onboarding_done:
        return redirect("dashboard")
    return redirect("onboarding_step", step=current_step(membership))


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_step(request: HttpRequest, step: int) -> HttpResponse:
    membership = get_membership(request)
    steps = steps_for(membership)
    if membership.onboarding_done:
        return redirect("dashboard")
    if step not in steps or steps.index(step) > steps.index(current_step(membership)):
        return redirect("onboarding_step", step=current_step(membership))
    return STEP_VIEWS[step](request, membership, step)


def _render(request: HttpRequest, membership: Membership, step: int, **context) -> HttpResponse:
    steps = steps_for(membership)
    position = steps.index(step)
    context.update(
        step=step,
        title=TITLES[step],
        progress=[{"n": n, "title": TITLES[n], "done": steps.index(n) < position} for n in steps],
        position=position + 1,
        total=len(steps),
        back=steps[position - 1] if position else None,
        is_last=position == len(steps) - 1,
    )
    if request.htmx and request.htmx.target == "step-form":
        return render(request, TEMPLATE + "#step-form", context)
    return render(request, TEMPLATE, context)


def _team_step(request: HttpRequest, membership: Membership, step: int) -> HttpResponse:
    form = TeamNameForm(posted(request), instance=membership.team)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _advance(membership, step)
    return _render(request, membership, step, form=form)


def _campaign_step(request: HttpRequest, membership: Membership, step: int) -> HttpResponse:
    form = CampaignBasicsForm(posted(request), instance=onboarding_campaign(membership))
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.team, campaign.created_by = membership.team, membership.user
        campaign.save()
        return _advance(membership, step)
    return _render(request, membership, step, form=form)


def _account_step(request: HttpRequest, membership: Membership, step: int) -> HttpResponse:
    account = onboarding_account(membership)
    if request.method == "POST" and "skip" in request.POST and not membership.is_owner:
        return _advance(membership, step)
    form = AccountForm(posted(request), instance=account, team=membership.team)
    if request.method == "POST" and form.is_valid():
        account = form.save(commit=False)
        account.owner = account.owner or membership.user
        account.save()
        if "test" in request.POST:
            start_test_login(request, account)
            form = AccountForm(instance=account, team=membership.team)
        else:
            return _advance(membership, step)
    test = login_test_state(request, account) if account else None
    return _render(request, membership, step, form=form, account=account, test=test)


def _llm_step(request: HttpRequest, membership: Membership, step: int) -> HttpResponse:
    team = membership.team
    if request.method == "POST" and "skip" in request.POST:
        if campaign := onboarding_campaign(membership):  # without an LLM, a person decides what the model cannot
            campaign.require_human_review = True
            campaign.save(update_fields=["require_human_review"])
        return _advance(membership, step)
    form = LLMForm(posted(request), instance=team, initial={"llm_model": team.llm_model or "gpt-4o-mini"})
    if request.method == "POST" and form.is_valid():
        form.save()
        return _advance(membership, step)
    return _render(request, membership, step, form=form, has_key=bool(team.llm_api_key))


@login_required
@require_POST
def onboarding_test_llm(request: HttpRequest) -> HttpResponse:
    """One real call to the model with the values typed in (the saved key when left empty)."""
    membership = get_membership(request)
    form = LLMForm(request.POST, instance=Team.objects.get(pk=membership.team_id))
    result = None
    if form.is_valid():
        from qualifier.llm import test_connection  # imports the OpenAI client: only when testing

        result = test_connection(form.save(commit=False))  # not saved: testing must not change the team
    return render(request, TEMPLATE + "#llm-result", {"form": form, "result": result})


def _legal_step(request: HttpRequest, membership: Membership, step: int) -> HttpResponse:
    already = membership.legal_accepted_at is not None
    form = LegalForm(posted(request))
    if request.method == "POST" and (already or form.is_valid()):
        return _finish(request, membership)
    return _render(request, membership, step, form=form, already=already)


def _finish(request: HttpRequest, membership: Membership) -> HttpResponse:
    campaign, account = onboarding_campaign(membership), onboarding_account(membership)
    if membership.is_owner and (campaign is None or account is None):
        missing = 2 if campaign is None else 3
        messages.error(request, f"Finish the “{TITLES[missing]}” step first.")
        return redirect("onboarding_step", step=missing)
    with transaction.atomic():
        membership.legal_accepted_at = membership.legal_accepted_at or timezone.now()
        membership.onboarding_done = True
        membership.save(update_fields=["legal_accepted_at", "onboarding_done"])
        if membership.is_owner:
            campaign.accounts.add(account)
            start_campaign(campaign)
    if membership.is_owner:
        messages.success(request, f"“{campaign.name}” is running. You can watch it on the pipeline.")
        return redirect(reverse("campaign_detail", args=[campaign.pk]))
    messages.success(request, "Welcome to the team!")
    return redirect("dashboard")


STEP_VIEWS = {1: _team_step, 2: _campaign_step, 3: _account_step, 4: _llm_step, 5: _legal_step}
