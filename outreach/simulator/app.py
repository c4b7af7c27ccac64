"""The simulator's WSGI application: routing, sessions, faults, pages and Voyager endpoints."""

import re
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from outreach.simulator import control, messaging_page, pages, profile_page, voyager
from outreach.simulator.population import search
from outreach.simulator.state import SimAccount, SimState
from outreach.simulator.web import BadRequest, Request, Response, html, json_response, redirect, set_cookie

PROFILE = re.compile(r"^/in/([^/]+)/?(?:overlay/.*)?$")
THREAD = re.compile(r"^/messaging/thread/([^/]+)/?$")
CHALLENGE = re.compile(r"^/checkpoint/challenge/([^/]+)/?$")
VOYAGER_PROFILES = "/voyager/api/identity/dash/profiles"
VOYAGER_INVITE = "/voyager/api/voyagerRelationshipsDashMemberRelationships"
VOYAGER_MESSAGE = "/voyager/api/voyagerMessagingDashMessengerMessages"
RETRY_AFTER_SECONDS = 5
BROWSEMAP_SIZE = 5
INTEROP_OVERLAY = (
    b'<div data-testid="interop-shadowdom" style="position:fixed;inset:0;z-index:100;background:transparent"></div>'
)


class SimApp:
    def __init__(self, state: SimState) -> None:
        self.state = state
        self.challenges: dict[str, str] = {}  # checkpoint id -> email
        self.by_member_id = {p["member_id"]: pid for pid, p in state.people.items()}

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        try:
            request = Request(environ)
            response = self.handle(request)
        except BadRequest as exc:
            response = json_response({"status": 400, "message": str(exc)}, 400)
        if self.state.faults.get("interop_overlay") and response.content_type.startswith("text/html"):
            response.body = response.body.replace(b"</body>", INTEROP_OVERLAY + b"</body>", 1)
        start_response(response.status_line, response.wsgi_headers())
        return [response.body]

    # --- dispatch -----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path.startswith("/__sim__/"):
            return control.handle(self.state, request)
        faulted = self._faults(request)
        if faulted is not None:
            return faulted
        if request.path.startswith("/voyager/api/"):
            return self._voyager(request)
        if request.path in ("/login", "/login/", "/uas/login"):
            return self._login_form(request)
        if request.path == "/uas/login-submit" and request.method == "POST":
            return self._login_submit(request)
        if match := CHALLENGE.match(request.path):
            return self._challenge(request, match.group(1))
        if request.path == "/authwall":
            return html(pages.authwall_page(request.query.get("sessionRedirect", "")))
        account = self._account(request)
        if account is None:
            if request.path == "/":
                return redirect("/login")
            target = request.base + request.full_path
            return redirect("/authwall?" + urlencode({"trk": "sim", "sessionRedirect": target}))
        return self._member_page(request, account)

    def _faults(self, request: Request) -> Response | None:
        faults = self.state.faults
        if faults.get("slow"):
            time.sleep(float(faults["slow"]))
        if faults.get("http_999"):
            return Response(status=999, body=b"Request denied", content_type="text/plain")
        if self.state.take_rate_limit():
            response = json_response({"status": 429, "message": "Too Many Requests"}, 429)
            response.headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
            return response
        return None

    def _account(self, request: Request) -> SimAccount | None:
        session = self.state.session_for(request.cookies.get("li_at"))
        return self.state.account_for(session) if session else None

    def _member_page(self, request: Request, account: SimAccount) -> Response:
        path = request.path
        if path in ("/", "/feed", "/feed/"):
            suggestions = [p for p in self.state.people.values() if account.relationship(p["public_id"]) == "none"]
            return html(pages.feed_page(account.viewer, suggestions[:6], request.base))
        if path in ("/in/me", "/in/me/"):
            return redirect(f"/in/{account.viewer['public_id']}/", 302)
        if path == "/preload/custom-invite/":
            return redirect(f"/in/{request.query.get('vanityName', '')}/", 302)
        if match := PROFILE.match(path):
            return self._profile(request, account, match.group(1))
        if path.rstrip("/") == "/search/results/people":
            return self._search(request, account)
        if path.rstrip("/") in ("/messaging/compose", "/messaging/thread/new"):
            return self._compose(request, account)
        if match := THREAD.match(path):
            person = self.state.person(account, match.group(1))
            if person is None:
                return html(pages.not_found_page(), 404)
            return html(messaging_page.thread_page(person, account.visible_thread(person["public_id"])))
        if path.rstrip("/") in ("/mynetwork", "/mynetwork/invite-connect/connections"):
            people = [self.state.people[pid] for pid in sorted(account.connections)]
            return html(pages.network_page("Connections", people, request.base))
        if path.rstrip("/") == "/mynetwork/invitation-manager/sent":
            people = [self.state.people[pid] for pid in sorted(account.invitations)]
            return html(pages.network_page("Sent invitations", people, request.base))
        if path.rstrip("/") == "/messaging":
            threads = [(self.state.people[pid], account.visible_thread(pid)) for pid in account.threads]
            return html(messaging_page.inbox_page(threads))
        return html(pages.not_found_page(), 404)

    # --- login --------------------------------------------------------------------------------
    def _login_form(self, request: Request) -> Response:
        if self._account(request) is not None:
            return redirect("/feed/")
        return html(pages.login_page(redirect=request.query.get("session_redirect", "")))

    def _login_submit(self, request: Request) -> Response:
        form = request.form()
        email, password = form.get("session_key", "").strip(), form.get("session_password", "")
        outcome, session = self.state.login(email, password)
        if outcome == "checkpoint":
            challenge = secrets.token_urlsafe(24)
            self.challenges[challenge] = email
            return redirect(f"/checkpoint/challenge/{challenge}?ut=sim")
        if session is None:
            text = (
                "Please enter an email address and a password."
                if outcome == "missing"
                else "Wrong email or password. Try again or create an account."
            )
            return html(pages.login_page(error=text, email=email, redirect=form.get("session_redirect", "")))
        target = form.get("session_redirect") or "/feed/"
        if urlsplit(target).netloc not in ("", request.host):
            target = "/feed/"
        response = redirect(target)
        self._set_session_cookies(response, session)
        return response

    def _set_session_cookies(self, response: Response, session) -> None:
        set_cookie(response, "li_at", self.state.token_of(session), http_only=True)
        set_cookie(response, "JSESSIONID", f'"{session.jsessionid}"')

    def _challenge(self, request: Request, challenge: str) -> Response:
        email = self.challenges.get(challenge)
        if email is None:
            return html(pages.not_found_page(), 404)
        if request.method != "POST":
            return html(pages.checkpoint_page(challenge))
        if self.state.faults.get("checkpoint"):
            return html(pages.checkpoint_page(challenge, error="That code didn't work. Please try again."))
        account = self.state.accounts.get(email) or self.state.add_account(email)
        outcome, session = self.state.login(email, account.password)
        if session is None:
            return html(pages.checkpoint_page(challenge, error=f"Verification failed ({outcome})."))
        del self.challenges[challenge]
        response = redirect("/feed/")
        self._set_session_cookies(response, session)
        return response

    # --- pages --------------------------------------------------------------------------------
    def _degree(self, account: SimAccount, person: dict) -> int | None:
        relationship = account.relationship(person["public_id"])
        if relationship == "self":
            return None
        if relationship == "connected":
            return 1
        return person["connection_degree"] if person["connection_degree"] in (2, 3) else 2

    def _profile(self, request: Request, account: SimAccount, public_id: str) -> Response:
        person = self.state.person(account, public_id)
        if person is None:
            return html(pages.not_found_page(), 404)
        ids = list(self.state.people)
        start = sum(map(ord, person["public_id"])) % max(1, len(ids))
        others = [self.state.people[pid] for pid in (ids[start:] + ids[:start]) if pid != person["public_id"]]
        rail = [(o, self._degree(account, o), account.relationship(o["public_id"])) for o in others[:BROWSEMAP_SIZE]]
        page = profile_page.profile_page(
            person,
            degree=self._degree(account, person),
            relationship=account.relationship(person["public_id"]),
            others=rail,
            base=request.base,
            missing_connect=bool(self.state.faults.get("missing_connect")),
        )
        return html(page)

    def _search(self, request: Request, account: SimAccount) -> Response:
        keywords = request.query.get("keywords", "").strip()
        try:
            page = max(1, int(request.query.get("page") or 1))
        except ValueError:
            page = 1
        found = search(self.state.people, keywords)
        chunk = found[(page - 1) * pages.RESULTS_PER_PAGE : page * pages.RESULTS_PER_PAGE]
        results = [(p, self._degree(account, p), account.relationship(p["public_id"])) for p in chunk]
        return html(
            pages.search_page(keywords=keywords, page=page, results=results, total=len(found), base=request.base)
        )

    def _recipient(self, account: SimAccount, value: str) -> dict | None:
        value = value.rsplit(":", 1)[-1]
        return self.state.person(account, self.by_member_id.get(value, value))

    def _compose(self, request: Request, account: SimAccount) -> Response:
        person = self._recipient(account, request.query.get("recipient", ""))
        if person is None:
            return html(pages.not_found_page(), 404)
        events = account.visible_thread(person["public_id"])
        if request.query.get("overlay"):
            return html(messaging_page.overlay(person, events))
        return html(messaging_page.compose_page(person, events))

    # --- Voyager ------------------------------------------------------------------------------
    def _voyager(self, request: Request) -> Response:
        session = self.state.session_for(request.cookies.get("li_at"))
        jsessionid = request.cookies.get("JSESSIONID", "").strip('"')
        if not jsessionid or request.header("csrf-token") != jsessionid:
            return json_response({"status": 403}, 403)  # LinkedIn's CSRF failure
        if session is None:
            return json_response({"status": 401}, 401)
        account = self.state.account_for(session)
        path, action = request.path.rstrip("/"), request.query.get("action")
        if path == VOYAGER_PROFILES and request.method == "GET":
            return self._voyager_profile(request, account)
        if path == "/voyager/api/me":
            return json_response(voyager.me_response(account.viewer))
        if path == VOYAGER_INVITE and request.method == "POST":
            return self._voyager_invite(request, account, action)
        if path == VOYAGER_MESSAGE and request.method == "POST" and action == "createMessage":
            return self._voyager_message(request, account)
        return json_response({"status": 404}, 404)

    def _voyager_message(self, request: Request, account: SimAccount) -> Response:
        body = request.json()
        person = self._recipient(account, str(body.get("recipient", "")))
        text = body["body"].get("text", "") if isinstance(body.get("body"), dict) else ""
        outcome = "unknown" if person is None else self.state.send_message(account, person["public_id"], str(text))
        if outcome != "sent":
            return json_response({"status": 422, "code": outcome.upper(), "message": _MESSAGE_ERRORS[outcome]}, 422)
        return json_response({"value": {"deliveredAt": int(time.time() * 1000)}})

    def _voyager_profile(self, request: Request, account: SimAccount) -> Response:
        identity = request.query.get("memberIdentity", "")
        person = self.state.person(account, self.by_member_id.get(identity, identity))
        if request.query.get("q") != "memberIdentity" or person is None:
            return json_response({"status": 404}, 404)
        if self.state.faults.get("malformed_voyager"):
            if self.state.faults["malformed_voyager"] == "truncated":
                text = voyager.profile_response(person, account.relationship(person["public_id"]), account.viewer)
                return Response(body=repr(text).encode()[:500], content_type="application/json")
            return json_response(voyager.malformed_response(person))
        relationship = account.relationship(person["public_id"])
        data = voyager.profile_response(person, relationship, account.viewer)
        return json_response(data)

    def _voyager_invite(self, request: Request, account: SimAccount, action: str | None) -> Response:
        if action == "verifyQuota":
            return json_response({"quotaExceeded": bool(self.state.faults.get("weekly_limit"))})
        body = request.json()
        invitee = body.get("invitee")
        if isinstance(invitee, dict):
            invitee = (invitee.get("inviteeUnion") or {}).get("memberProfile")
        person = self._recipient(account, str(invitee or ""))
        if person is None:
            return json_response({"status": 404, "message": "unknown invitee"}, 404)
        if action == "withdraw":
            self.state.withdraw(account, person["public_id"])
            return json_response({"value": {"withdrawn": True}})
        outcome = self.state.invite(account, person["public_id"])
        if outcome == "weekly_limit":
            return json_response({"status": 429, "code": "WEEKLY_LIMIT"}, 429)
        return json_response({"value": {"outcome": outcome.upper()}})


_MESSAGE_ERRORS = {
    "unknown": "This member doesn't exist.",
    "empty": "Write a message first.",
    "not_connected": "You can only message your connections. Upgrade to Premium to send InMail.",
}
