"""The multi-user rules, in one place: every view fetches rows through these helpers.

A row of another team is a 404, never a 403: outsiders learn nothing about what exists.
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from crm.models import Deal, Lead, Membership, Team


def get_membership(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise Http404("You are not in a team yet.")
    return membership


def get_team(request: HttpRequest) -> Team:
    return get_membership(request).team


def require_owner(request: HttpRequest) -> Membership:
    membership = get_membership(request)
    if not membership.is_owner:
        raise Http404("Only the team's owner can do this.")
    return membership


def get_lead_for_user(request: HttpRequest, pk: int) -> Lead:
    return get_object_or_404(Lead.objects.select_related("company"), pk=pk, team=get_team(request))


def get_deal_for_user(request: HttpRequest, pk: int) -> Deal:
    return get_object_or_404(Deal.objects.select_related("lead", "campaign"), pk=pk, team=get_team(request))
