"""Team-scoped access to campaigns and LinkedIn accounts: another team's row is a 404."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from crm.access import get_membership, get_team
from outreach.models import Campaign, LinkedInAccount


def get_campaign_for_user(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(Campaign, pk=pk, team=get_team(request))


def get_account_for_user(request: HttpRequest, pk: int, write: bool = False) -> LinkedInAccount:
    """Any teammate may read an account (and pause it); editing it is for its owner or the team's owner."""
    account = get_object_or_404(LinkedInAccount, pk=pk, team=get_team(request))
    if write:
        membership = get_membership(request)
        if not (membership.is_owner or account.owner_id == request.user.pk):
            raise Http404("Only the account's owner or the team's owner can change it.")
    return account
