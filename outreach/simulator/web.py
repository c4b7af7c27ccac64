"""Minimal request/response objects over WSGI for the simulator (stdlib only)."""

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote

MAX_BODY = 1_000_000


class BadRequest(ValueError):
    pass


class Request:
    def __init__(self, environ: dict) -> None:
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "/") or "/"
        self.query_string = environ.get("QUERY_STRING", "")
        self.query = {k: v[0] for k, v in parse_qs(self.query_string, keep_blank_values=True).items()}
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE", ""))
        except Exception:  # a malformed Cookie header is treated as no cookies, like a browser would
            cookie = SimpleCookie()
        self.cookies = {name: morsel.value for name, morsel in cookie.items()}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError as exc:
            raise BadRequest("Content-Length is not a number") from exc
        if length > MAX_BODY:
            raise BadRequest("request body too large")
        self.body = environ["wsgi.input"].read(length) if length > 0 else b""
        self.host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    @property
    def full_path(self) -> str:
        return self.path + (f"?{self.query_string}" if self.query_string else "")

    def header(self, name: str) -> str | None:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"))

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()}

    def json(self) -> dict:
        """The JSON object body; BadRequest (with the reason) when it is not one."""
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise BadRequest(f"body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise BadRequest("body must be a JSON object")
        return data


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_line(self) -> str:
        if self.status == 999:
            return "999 Request denied"
        return f"{self.status} {HTTPStatus(self.status).phrase}"

    def wsgi_headers(self) -> list[tuple[str, str]]:
        return [("Content-Type", self.content_type), ("Content-Length", str(len(self.body))), *self.headers]


def html(text: str, status: int = 200) -> Response:
    return Response(status=status, body=text.encode())


def json_response(data: object, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(data).encode(), content_type="application/json")


def redirect(location: str, status: int = 303) -> Response:
    return Response(status=status, headers=[("Location", location)])


def set_cookie(
    response: Response, name: str, value: str, *, http_only: bool = False, max_age: int | None = None
) -> None:
    parts = [f"{name}={value}", "Path=/", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    response.headers.append(("Set-Cookie", "; ".join(parts)))


def quoted(url: str) -> str:
    return quote(url, safe="")
