"""Team settings: the team's name, members and their roles, invitation links; the user's own profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from crm.access import get_membership, require_owner
from crm.models import Invitation, Membership, Role
from outreach.views.setup_forms import InviteForm, LLMForm, ProfileForm, RoleForm, TeamNameForm

TEMPLATE = "crm/settings.html"


def _context(request: HttpRequest, **extra) -> dict:
    membership = get_membership(request)
    team = membership.team
    context = {
        "team_form": TeamNameForm(instance=team),
        "llm_form": LLMForm(instance=team),
        "profile_form": ProfileForm(instance=request.user),
        "members": Membership.objects.filter(team=team).select_related("user").order_by("joined_at"),
        "invites": Invitation.objects.filter(team=team, accepted_at__isnull=True).order_by("-created_at"),
        "invite_form": InviteForm(),
        "roles": Role.choices,
        "is_owner": membership.is_owner,
    }
    context.update(extra)
    return context


# The page's forms: which one was posted, whether only an owner may post it, what to say when saved.
SECTIONS = {
    "team": (TeamNameForm, True, "Team name saved."),
    "llm": (LLMForm, True, "AI model settings saved."),
    "profile": (ProfileForm, False, "Profile saved."),
}


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    extra = {}
    if request.method == "POST":
        section = request.POST.get("form") if request.POST.get("form") in SECTIONS else "profile"
        form_class, owner_only, done = SECTIONS[section]
        form = form_class(request.POST, instance=require_owner(request).team if owner_only else request.user)
        if form.is_valid():
            form.save()
            messages.success(request, done)
            return redirect("settings")
        extra[f"{section}_form"] = form
    return render(request, TEMPLATE, _context(request, **extra))


def _member_of_team(request: HttpRequest, pk: int) -> Membership:
    owner = require_owner(request)
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, team=owner.team)


def _render_members(request: HttpRequest, error: str = "") -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("settings")
    return render(request, TEMPLATE + "#members", _context(request, members_error=error))


def _last_owner(member: Membership) -> bool:
    return (
        member.is_owner
        and not Membership.objects.filter(team=member.team, role=Role.OWNER).exclude(pk=member.pk).exists()
    )


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_of_team(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _render_members(request, "Choose a valid role.")
    if form.cleaned_data["role"] != Role.OWNER and _last_owner(member):
        return _render_members(request, "A team needs at least one owner: make someone else owner first.")
    member.role = form.cleaned_data["role"]
    member.save(update_fields=["role"])
    return _render_members(request)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_of_team(request, pk)
    if member.user_id == request.user.pk:
        return _render_members(request, "You cannot remove yourself.")
    member.delete()
    messages.success(request, f"{member.user.username} was removed from the team.")
    return _render_members(request)


def _render_invites(request: HttpRequest, **extra) -> HttpResponse:
    if not request.htmx:
        return redirect("settings")
    return render(request, TEMPLATE + "#invites", _context(request, **extra))


@login_required
@require_POST
def invite_create(request: HttpRequest) -> HttpResponse:
    owner = require_owner(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _render_invites(request, invite_form=form)
    invite = Invitation.objects.create(team=owner.team, role=form.cleaned_data["role"], created_by=request.user)
    messages.success(request, "Invitation link created: copy it and send it to your teammate.")
    return _render_invites(request, new_invite=invite)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    owner = require_owner(request)
    get_object_or_404(Invitation, pk=pk, team=owner.team, accepted_at__isnull=True).delete()
    return _render_invites(request)
