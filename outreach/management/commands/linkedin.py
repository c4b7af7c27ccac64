"""Run one LinkedIn action by hand through an account's browser.

    python manage.py linkedin profile <account-id-or-email> <profile-url-or-id>
    python manage.py linkedin status  <account> <profile-url-or-id>
    python manage.py linkedin connect <account> <profile-url-or-id>
    python manage.py linkedin message <account> <profile-url-or-id> "<text>"
    python manage.py linkedin read    <account> <profile-url-or-id>
    python manage.py linkedin search  <account> "<keyword>" [--page N]
    python manage.py linkedin login   <account>

Sandbox accounts talk to the simulator (SANDBOX_BASE_URL); start it first with
`python manage.py linkedin_sim`. Set BROWSER_HEADLESS=false (under `xvfb-run -a` on a server) to
watch the browser.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from outreach.linkedin import actions
from outreach.linkedin.errors import LinkedInError
from outreach.linkedin.session import close_all, get_session
from outreach.linkedin.urls import public_id_from_url
from outreach.linkedin.voyager import VoyagerParseError
from outreach.models import LinkedInAccount

ACTIONS = ("profile", "status", "connect", "message", "read", "search", "login")


def find_account(ref: str) -> LinkedInAccount:
    accounts = (
        LinkedInAccount.objects.filter(pk=int(ref))
        if ref.isdigit()
        else LinkedInAccount.objects.filter(username__iexact=ref.strip())
    )
    found = list(accounts[:2])
    if not found:
        raise CommandError(f"no LinkedIn account {ref!r} (give its id or e-mail)")
    if len(found) > 1:
        raise CommandError(f"{ref!r} names accounts in several teams; use the account id")
    return found[0]


def profile_id(ref: str) -> str:
    public_id = public_id_from_url(ref) if "/" in ref else public_id_from_url(f"/in/{ref.strip()}/")
    if public_id is None:
        raise CommandError(f"{ref!r} is not a LinkedIn profile URL or public id (expected …/in/<id>/)")
    return public_id


class Command(BaseCommand):
    help = "Run one LinkedIn action (profile, status, connect, message, read, search, login) for an account."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("account", help="account id or e-mail")
        parser.add_argument("target", nargs="?", default="", help="profile URL / public id, or search keyword")
        parser.add_argument("text", nargs="?", default="", help="message text (message)")
        parser.add_argument("--page", type=int, default=1, help="search results page")

    def handle(self, *args, action, account, target, text, page, **options):
        acct = find_account(account)
        if action != "login" and not target:
            raise CommandError(f"'{action}' needs a {'keyword' if action == 'search' else 'profile URL or id'}")
        if action == "message" and not text.strip():
            raise CommandError("'message' needs the text to send")
        try:
            result = self._run(acct, action, target, text, page)
        except (LinkedInError, VoyagerParseError, ValueError) as exc:
            raise CommandError(f"{action} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            close_all()
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str))

    def _run(self, acct: LinkedInAccount, action: str, target: str, text: str, page: int):
        if action == "login":
            return actions.test_login(acct)
        session = get_session(acct)
        if action == "search":
            return {"keyword": target, "page": page, "public_ids": actions.search_people(session, target, page)}
        public_id = profile_id(target)
        if action == "profile":
            parsed, _raw = actions.scrape_profile(session, public_id)
            return parsed
        if action == "status":
            return {"public_id": public_id, "status": actions.connection_status(session, public_id)}
        if action == "connect":
            return {"public_id": public_id, "status": actions.send_connection_request(session, public_id)}
        if action == "message":
            actions.send_message(session, public_id, text)
            return {"public_id": public_id, "sent": True}
        return {"public_id": public_id, "messages": actions.read_conversation(session, public_id)}
