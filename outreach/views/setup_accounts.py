"""LinkedIn accounts: status, usage against limits, recent activity, pause/resume, re-login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import get_team
from crm.models import Activity
from outreach.engine.control import pause_account, resume_account
from outreach.models import LinkedInAccount
from outreach.views.setup_access import get_account_for_user
from outreach.views.setup_forms import AccountForm, posted
from outreach.views.setup_login import login_test_state, render_login_test, start_test_login
from outreach.views.setup_usage import account_usage

DETAIL = "outreach/setup/account_detail.html"


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = LinkedInAccount.objects.filter(team=get_team(request)).select_related("owner").order_by("username")
    rows = [{"account": a, "usage": account_usage(a)} for a in accounts]
    return render(request, "outreach/setup/accounts.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    form = AccountForm(posted(request), team=get_team(request))
    if request.method == "POST" and form.is_valid():
        account = form.save(commit=False)
        account.owner = request.user
        account.save()
        messages.success(request, "Account added. Test its login to make sure it works.")
        return redirect("account_detail", pk=account.pk)
    return render(request, "outreach/setup/account_form.html", {"form": form, "account": None})


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk, write=True)
    form = AccountForm(posted(request), instance=account, team=account.team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Account saved.")
        return redirect("account_detail", pk=account.pk)
    return render(request, "outreach/setup/account_form.html", {"form": form, "account": account})


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk)
    if request.htmx and request.htmx.target == "account-status":  # its own refresh, every 20 s
        return render(request, DETAIL + "#account-status", {"account": account})
    context = {
        "account": account,
        "usage": account_usage(account),
        "activities": Activity.objects.filter(account=account).select_related("lead")[:20],
        "campaigns": account.campaigns.order_by("name"),
        "test": login_test_state(request, account),
    }
    return render(request, DETAIL, context)


@login_required
@require_POST
def account_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause a working account, or resume a paused one (htmx swaps the status box in place)."""
    account = get_account_for_user(request, pk)
    if account.active:
        pause_account(account)
    else:
        resume_account(account)
    if not request.htmx:
        return redirect("account_detail", pk=account.pk)
    return render(request, DETAIL + "#account-status", {"account": account})


@login_required
@require_POST
def account_relogin(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk, write=True)
    start_test_login(request, account)
    if not request.htmx:
        return redirect("account_detail", pk=account.pk)
    return render_login_test(request, account)
