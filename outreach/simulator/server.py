"""`SimServer`: the simulator as a threaded WSGI server, in-process (tests) or via `manage.py linkedin_sim`."""

import socketserver
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from outreach.simulator.app import SimApp
from outreach.simulator.state import SimAccount, SimState


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class SimServer:
    """A LinkedIn simulator on 127.0.0.1 (`port=0` picks a free port).

    `accept_probability`/`accept_after_seconds` decide whether and when an invitation is
    accepted; `reply_probability`/`reply_after_seconds` whether and when a connection answers a
    message. The population of `people` synthetic members is fixed by `seed`.
    """

    def __init__(
        self,
        port: int = 0,
        seed: int = 42,
        accept_probability: float = 1.0,
        accept_after_seconds: float = 0.0,
        reply_probability: float = 0.0,
        people: int = 300,
        reply_after_seconds: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.state = SimState(
            seed=seed,
            people=people,
            accept_probability=accept_probability,
            accept_after_seconds=accept_after_seconds,
            reply_probability=reply_probability,
            reply_after_seconds=reply_after_seconds,
        )
        self.app = SimApp(self.state)
        self._httpd = make_server(host, port, self.app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self.host = host
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "SimServer":
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, args=(0.05,), name="linkedin-sim", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "SimServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the state, for tests and the control API ----------------------------------------------
    def reset(self) -> None:
        self.state.reset()

    def set_fault(self, name: str, value: object = True) -> None:
        self.state.set_fault(name, value)

    def clear_faults(self) -> None:
        self.state.clear_faults()

    def add_account(self, email: str, password: str) -> SimAccount:
        return self.state.add_account(email, password)

    def make_connected(self, email: str, public_id: str) -> None:
        self.state.make_connected(email, public_id)

    def add_reply(self, email: str, public_id: str, text: str) -> None:
        self.state.add_reply(email, public_id, text)

    def people_where(self, *, layout: str | None = None, initial: str | None = None) -> list[dict]:
        """Population members by top-card layout (connect/more/creator/follow_only) and initial state."""
        return [
            p
            for p in self.state.people.values()
            if (layout is None or p["layout"] == layout) and (initial is None or p["initial"] == initial)
        ]
