"""The simulator's in-memory world: people, accounts with their own relationships, sessions, faults."""

import random
import secrets
import threading
import time
from dataclasses import dataclass, field

from outreach.simulator import vocab
from outreach.simulator.population import build_population, viewer_person

SANDBOX_PASSWORD = "sandbox"
FAULTS = (
    "slow",
    "rate_limit",
    "http_999",
    "logged_out",
    "checkpoint",
    "missing_connect",
    "malformed_voyager",
    "weekly_limit",
    "interop_overlay",  # LinkedIn's full-viewport `data-testid="interop-shadowdom"` layer swallows clicks
)


class UnknownFault(ValueError):
    pass


@dataclass
class Session:
    email: str
    jsessionid: str  # "ajax:<digits>", sent back as the csrf-token header
    created_at: float


@dataclass
class SimAccount:
    """One LinkedIn member driven by the app; its relationships are its own."""

    email: str
    password: str
    viewer: dict
    seed: int
    _invitations: set[str] = field(default_factory=set)
    _connections: set[str] = field(default_factory=set)
    accept_at: dict[str, float | None] = field(default_factory=dict)  # None: never accepted
    messages: list[tuple[str, str]] = field(default_factory=list)  # what this account sent
    threads: dict[str, list[dict]] = field(default_factory=dict)  # public_id -> events
    invitations_sent: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def invitations(self) -> set[str]:
        self.settle()
        return self._invitations

    @property
    def connections(self) -> set[str]:
        self.settle()
        return self._connections

    def settle(self, now: float | None = None) -> None:
        """Invitations whose acceptance time has come become connections."""
        now = time.time() if now is None else now
        with self.lock:  # request threads of the same account settle concurrently
            for public_id, when in list(self.accept_at.items()):
                if when is not None and when <= now and public_id in self._invitations:
                    self._invitations.discard(public_id)
                    self._connections.add(public_id)
                    del self.accept_at[public_id]

    def relationship(self, public_id: str) -> str:
        if public_id == self.viewer["public_id"]:
            return "self"
        if public_id in self.connections:
            return "connected"
        if public_id in self.invitations:
            return "pending"
        return "none"

    def visible_thread(self, public_id: str, now: float | None = None) -> list[dict]:
        now = time.time() if now is None else now
        return [event for event in self.threads.get(public_id, []) if event["at"] <= now]


class SimState:
    """Everything the simulator knows; every method is safe to call from request threads."""

    def __init__(
        self,
        seed: int = 42,
        people: int = 300,
        accept_probability: float = 1.0,
        accept_after_seconds: float = 0.0,
        reply_probability: float = 0.0,
        reply_after_seconds: float = 0.0,
    ) -> None:
        self.seed = seed
        self.people = build_population(seed, people)
        self.defaults = {
            "accept_probability": accept_probability,
            "accept_after_seconds": accept_after_seconds,
            "reply_probability": reply_probability,
            "reply_after_seconds": reply_after_seconds,
        }
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget accounts, sessions and faults; restore the start-up settings."""
        with self.lock:
            self.config = dict(self.defaults)
            self.accounts: dict[str, SimAccount] = {}
            self.sessions: dict[str, Session] = {}
            self.faults: dict[str, object] = {}
            self.logged_out_at = 0.0
            self.requests = 0

    # --- faults -------------------------------------------------------------------------------
    def set_fault(self, name: str, value: object = True) -> None:
        if name not in FAULTS:
            raise UnknownFault(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        with self.lock:
            if value in (None, False, 0):
                self.faults.pop(name, None)
                return
            self.faults[name] = value
            if name == "logged_out":
                # Every session issued so far stops working; logging in again gives a fresh one.
                self.logged_out_at = time.time()
                self.sessions.clear()

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_rate_limit(self) -> bool:
        """True when this request must be answered 429 (counts the `rate_limit` budget down)."""
        with self.lock:
            remaining = self.faults.get("rate_limit")
            if not remaining:
                return False
            if remaining is True:
                return True
            remaining = int(remaining) - 1
            if remaining > 0:
                self.faults["rate_limit"] = remaining
            else:
                self.faults.pop("rate_limit", None)
            return True

    # --- accounts and sessions ---------------------------------------------------------------
    def add_account(self, email: str, password: str = SANDBOX_PASSWORD) -> SimAccount:
        """Register (or re-password) an account; a new one starts with the population's relationships."""
        email = email.strip().lower()
        with self.lock:
            account = self.accounts.get(email)
            if account is None:
                account = SimAccount(
                    email=email, password=password, viewer=viewer_person(self.seed, email), seed=self.seed
                )
                for public_id, person in self.people.items():
                    if person["initial"] == "connected":
                        account._connections.add(public_id)
                    elif person["initial"] == "pending":
                        account._invitations.add(public_id)
                        account.accept_at[public_id] = None  # sent long ago, ignored so far
                self.accounts[email] = account
            account.password = password
            return account

    def login(self, email: str, password: str) -> tuple[str, Session | None]:
        """('ok', session) | ('wrong_password', None) | ('checkpoint', None) | ('missing', None)."""
        email = email.strip().lower()
        if not email or not password:
            return "missing", None
        with self.lock:
            account = self.accounts.get(email)
            expected = account.password if account else SANDBOX_PASSWORD
            if password != expected:
                return "wrong_password", None
            if self.faults.get("checkpoint"):
                return "checkpoint", None
            account = account or self.add_account(email)
            session = Session(
                email=account.email, jsessionid=f"ajax:{secrets.randbelow(10**19):019d}", created_at=time.time()
            )
            self.sessions[secrets.token_urlsafe(32)] = session
            return "ok", session

    def token_of(self, session: Session) -> str:
        with self.lock:
            return next(token for token, s in self.sessions.items() if s is session)

    def session_for(self, li_at: str | None) -> Session | None:
        with self.lock:
            session = self.sessions.get(li_at or "")
            if session is None or session.created_at < self.logged_out_at:
                return None
            return session

    def account_for(self, session: Session) -> SimAccount:
        return self.accounts[session.email]

    def person(self, account: SimAccount | None, public_id: str) -> dict | None:
        if account is not None and public_id in ("me", account.viewer["public_id"]):
            return account.viewer
        return self.people.get(public_id)

    # --- actions -------------------------------------------------------------------------------
    def invite(self, account: SimAccount, public_id: str) -> str:
        """'sent' | 'pending' (already invited) | 'connected' | 'weekly_limit' | 'unknown'."""
        with self.lock:
            if public_id not in self.people:
                return "unknown"
            relationship = account.relationship(public_id)
            if relationship in ("connected", "pending"):
                return relationship
            if self.faults.get("weekly_limit"):
                return "weekly_limit"
            draw = random.Random(f"{self.seed}|accept|{account.email}|{public_id}").random()
            accepted = draw < float(self.config["accept_probability"])
            account._invitations.add(public_id)
            account.accept_at[public_id] = (
                time.time() + float(self.config["accept_after_seconds"]) if accepted else None
            )
            account.invitations_sent += 1
            return "sent"

    def withdraw(self, account: SimAccount, public_id: str) -> None:
        with self.lock:
            account._invitations.discard(public_id)
            account.accept_at.pop(public_id, None)

    def send_message(self, account: SimAccount, public_id: str, text: str) -> str:
        """'sent' | 'not_connected' | 'empty' | 'unknown'. A connection may answer (reply_probability)."""
        text = text.strip()
        with self.lock:
            if public_id not in self.people:
                return "unknown"
            if not text:
                return "empty"
            if public_id not in account.connections:
                return "not_connected"
            now = time.time()
            account.messages.append((public_id, text))
            thread = account.threads.setdefault(public_id, [])
            thread.append({"sender": "me", "text": text, "at": now})
            rng = random.Random(f"{self.seed}|reply|{account.email}|{public_id}|{len(thread)}")
            if rng.random() < float(self.config["reply_probability"]):
                reply_at = now + float(self.config["reply_after_seconds"])
                thread.append({"sender": "them", "text": rng.choice(vocab.REPLIES), "at": reply_at})
            return "sent"

    def add_reply(self, email: str, public_id: str, text: str) -> None:
        with self.lock:
            account = self.accounts.get(email.strip().lower()) or self.add_account(email)
            account.threads.setdefault(public_id, []).append({"sender": "them", "text": text, "at": time.time()})

    def make_connected(self, email: str, public_id: str) -> None:
        if public_id not in self.people:
            raise KeyError(f"no simulated person {public_id!r}")
        with self.lock:
            account = self.accounts.get(email.strip().lower()) or self.add_account(email)
            account._invitations.discard(public_id)
            account.accept_at.pop(public_id, None)
            account._connections.add(public_id)

    def snapshot(self) -> dict:
        """A JSON-able view for the control API."""
        with self.lock:
            return {
                "seed": self.seed,
                "people": len(self.people),
                "config": dict(self.config),
                "faults": dict(self.faults),
                "accounts": {
                    email: {
                        "public_id": account.viewer["public_id"],
                        "invitations": sorted(account.invitations),
                        "connections": sorted(account.connections),
                        "messages": [list(m) for m in account.messages],
                        "threads": {pid: account.visible_thread(pid) for pid in account.threads},
                        "invitations_sent": account.invitations_sent,
                    }
                    for email, account in self.accounts.items()
                },
            }
