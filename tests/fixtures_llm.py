"""A real local HTTP server speaking the OpenAI chat-completions API, for LLM tests.

Fixtures (loaded as a pytest plugin by tests/conftest.py):

- ``llm_stub``: a fresh :class:`LLMStub` on a free port. ``.url`` is the base URL ending in
  ``/v1``; ``.requests`` the JSON bodies received (in order); ``.prompts`` the last user message
  of each. Answers:
    * structured output (``response_format`` json_schema / json_object, or a ``tools`` call):
      a schema with ``qualified`` gets ``{"qualified": ..., "reason": ...}`` from ``.decide``
      (default: qualified when one of ``.keywords`` appears in the prompt, lower-cased);
      a schema with ``keywords`` gets ``.keyword_reply``; anything else a filler object;
    * plain chat: ``.text_reply`` (default ``"stub reply"``).
  ``.set_response(value)`` forces the next answers: a dict is returned as the structured
  object, a str as the plain text. ``.set_mode(mode, times=None)`` makes the stub misbehave:
  ``"ok"``, ``"error500"`` (HTTP 500), ``"429"`` (HTTP 429 with Retry-After: 0), ``"timeout"``
  (sleeps ``.delay`` seconds, default 3, before answering), ``"malformed"`` (content that is not
  JSON), ``"wrong_type"`` (JSON with the wrong field types). With ``times=N`` the mode applies to
  the next N requests only, then the stub answers normally again (to test retries).
- ``llm_settings``: ``llm_stub`` plus Django settings pointing at it (LLM_API_BASE, LLM_API_KEY,
  AI_MODEL="stub-model", LLM_TIMEOUT=1 s, LLM_MAX_RETRIES=2, LLM_RETRY_BACKOFF=0.01 s).
  Returns the stub.
"""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

MODES = {"ok", "error500", "429", "timeout", "malformed", "wrong_type"}


def _completion(message: dict, finish: str = "stop") -> dict:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "stub-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _message_text(message: dict) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):  # content parts
        content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


class LLMStub:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.keywords: tuple[str, ...] = ("founder", "cto", "head of operations")
        self.keyword_reply: list[str] = ["logistics manager", "operations director", "supply chain lead"]
        self.text_reply = "stub reply"
        self.delay = 3.0
        self.decide: Callable[[str], tuple[bool, str]] = self._default_decide
        self._forced: dict | str | None = None
        self._mode = "ok"
        self._mode_left: int | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # --- control -------------------------------------------------------------------------
    def start(self) -> "LLMStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def set_mode(self, mode: str, times: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown stub mode {mode!r}; choose from {sorted(MODES)}")
        with self._lock:
            self._mode, self._mode_left = mode, times

    def set_response(self, value: dict | str | None) -> None:
        self._forced = value

    @property
    def prompts(self) -> list[str]:
        out = []
        for body in self.requests:
            users = [m for m in body.get("messages", []) if m.get("role") == "user"]
            out.append(_message_text(users[-1]) if users else "")
        return out

    def _default_decide(self, prompt: str) -> tuple[bool, str]:
        low = prompt.lower()
        hit = next((k for k in self.keywords if k in low), None)
        if hit:
            return True, f"The profile mentions '{hit}', which matches the ideal customer."
        return False, "Nothing in the profile matches the ideal customer."

    def _take_mode(self) -> str:
        with self._lock:
            mode = self._mode
            if self._mode_left is not None:
                self._mode_left -= 1
                if self._mode_left <= 0:
                    self._mode, self._mode_left = "ok", None
            return mode

    # --- answers -------------------------------------------------------------------------
    def _structured(self, props: dict, prompt: str, mode: str) -> str:
        if mode == "malformed":
            return '{"qualified": tru'
        if isinstance(self._forced, dict):
            return json.dumps(self._forced)
        if "qualified" in props:
            if mode == "wrong_type":
                return json.dumps({"qualified": {"no": "bool"}, "reason": 7})
            qualified, reason = self.decide(prompt)
            return json.dumps({"qualified": bool(qualified), "reason": reason})
        if "keywords" in props:
            return json.dumps({"keywords": list(self.keyword_reply)})
        fill = {"string": "x", "integer": 1, "number": 0.5, "boolean": True, "array": [], "object": {}}
        return json.dumps({k: fill.get(p.get("type")) for k, p in props.items()})

    def answer(self, body: dict, mode: str) -> dict:
        prompt = "\n".join(_message_text(m) for m in body.get("messages", []))
        rf, tools = body.get("response_format") or {}, body.get("tools") or []
        if rf.get("type") == "json_schema":
            props = rf["json_schema"].get("schema", {}).get("properties", {})
            return _completion({"role": "assistant", "content": self._structured(props, prompt, mode)})
        if rf.get("type") == "json_object":
            return _completion({"role": "assistant", "content": self._structured({"qualified": {}}, prompt, mode)})
        if tools:
            fn = tools[0]["function"]
            args = self._structured(fn.get("parameters", {}).get("properties", {}), prompt, mode)
            call = {"id": "call_1", "type": "function", "function": {"name": fn["name"], "arguments": args}}
            return _completion({"role": "assistant", "content": None, "tool_calls": [call]}, finish="tool_calls")
        text = self._forced if isinstance(self._forced, str) else self.text_reply
        if mode == "malformed":
            text = ""
        return _completion({"role": "assistant", "content": text})

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _send(self, status: int, payload: dict | str, headers: dict | None = None) -> None:
                data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # /v1/models, used by connection tests
                self._send(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send(400, {"error": {"message": "invalid JSON body", "type": "invalid_request_error"}})
                    return
                stub.requests.append(body)
                mode = stub._take_mode()
                if mode == "error500":
                    self._send(500, {"error": {"message": "stub server error", "type": "server_error"}})
                    return
                if mode == "429":
                    err = {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}
                    self._send(429, err, {"Retry-After": "0"})
                    return
                if mode == "timeout":
                    time.sleep(stub.delay)
                    mode = "ok"
                reply = stub.answer(body, mode)
                if body.get("stream"):
                    self._stream(reply)
                    return
                self._send(200, reply)

            def _stream(self, reply: dict) -> None:
                msg = reply["choices"][0]["message"]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "stub-model",
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": msg.get("content") or ""},
                            "finish_reason": None,
                        }
                    ],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                chunk["choices"][0] = {"index": 0, "delta": {}, "finish_reason": "stop"}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode())
                self.close_connection = True

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def llm_stub():
    stub = LLMStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def llm_settings(llm_stub, settings):
    settings.LLM_API_BASE = llm_stub.url
    settings.LLM_API_KEY = "stub-key"
    settings.AI_MODEL = "stub-model"
    settings.LLM_TIMEOUT = 1.0
    settings.LLM_MAX_RETRIES = 2
    settings.LLM_RETRY_BACKOFF = 0.01
    return llm_stub
