"""Sign-up and the dashboard. Log in / out and password change are Django's own auth views."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from crm.forms import SignupForm
from crm.models import Invitation, Membership, Role, Team


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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/dashboard.html", {})
