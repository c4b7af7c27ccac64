"""Starting/pausing campaigns and accounts from the set-up screens.

The engine owns these workflows (`outreach.engine.control`); until it is installed the screens fall
back to flipping the flags themselves, which is all the engine's scheduler reads.
"""

from django.contrib.auth.models import User

from outreach.models import AccountStatus, Campaign, LinkedInAccount


def _engine(name: str):
    try:
        from outreach.engine import control
    except ImportError:
        return None
    return getattr(control, name, None)


def campaign_start(campaign: Campaign, *, user: User | None = None) -> None:
    if start := _engine("start_campaign"):
        start(campaign)
    else:
        Campaign.objects.filter(pk=campaign.pk).update(active=True)
    campaign.refresh_from_db(fields=["active"])


def campaign_pause(campaign: Campaign, *, user: User | None = None) -> None:
    if pause := _engine("pause_campaign"):
        pause(campaign)
    else:
        Campaign.objects.filter(pk=campaign.pk).update(active=False)
    campaign.refresh_from_db(fields=["active"])


def account_pause(account: LinkedInAccount) -> None:
    if pause := _engine("pause_account"):
        pause(account)
    else:
        LinkedInAccount.objects.filter(pk=account.pk).update(active=False, status=AccountStatus.PAUSED)
    account.refresh_from_db()


def account_resume(account: LinkedInAccount) -> None:
    if resume := _engine("resume_account"):
        resume(account)
    else:
        status = AccountStatus.OK if account.session_state else AccountStatus.NEEDS_LOGIN
        LinkedInAccount.objects.filter(pk=account.pk).update(active=True, status=status)
    account.refresh_from_db()
