"""The control API under `/__sim__/` for a separately started simulator (never faulted).

- `GET /__sim__/state` → settings, faults and every account's invitations, connections, messages.
- `POST /__sim__/state` JSON, any of: `{"config": {"accept_probability": 0.5, ...},
  "accounts": [{"email", "password"}], "connect": [{"email", "public_id"}],
  "replies": [{"email", "public_id", "text"}]}` → the new state.
- `POST /__sim__/faults` JSON `{"<fault>": value, ...}` (false/null/0 clears one) or `{"clear": true}`.
- `POST /__sim__/reset` → forget accounts, sessions and faults.
- `GET /__sim__/people?keywords=…` → the population (public ids, names, headlines) for demos.
Every error answers 400 with `{"error": "<what is wrong>"}` and changes nothing.
"""

from outreach.simulator.population import matches
from outreach.simulator.state import FAULTS, UnknownFault
from outreach.simulator.web import BadRequest, Request, Response, json_response

CONFIG_KEYS = ("accept_probability", "accept_after_seconds", "reply_probability", "reply_after_seconds")


def _error(message: str) -> Response:
    return json_response({"error": message}, 400)


def _validated_config(config: object) -> dict[str, float]:
    if not isinstance(config, dict):
        raise BadRequest("'config' must be an object")
    clean = {}
    for key, value in config.items():
        if key not in CONFIG_KEYS:
            raise BadRequest(f"unknown setting {key!r}; known: {', '.join(CONFIG_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise BadRequest(f"{key} must be a number >= 0")
        if key.endswith("probability") and value > 1:
            raise BadRequest(f"{key} must be between 0 and 1")
        clean[key] = float(value)
    return clean


def _items(body: dict, key: str, fields: tuple[str, ...]) -> list[dict]:
    items = body.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadRequest(f"{key!r} must be a list of objects")
    for item in items:
        missing = [f for f in fields if not isinstance(item.get(f), str) or not item.get(f)]
        if missing:
            raise BadRequest(f"{key!r} item is missing {', '.join(missing)}")
    return items


def _update_state(state, body: dict) -> Response:
    config = _validated_config(body.get("config", {}))
    accounts = _items(body, "accounts", ("email", "password"))
    connect = _items(body, "connect", ("email", "public_id"))
    replies = _items(body, "replies", ("email", "public_id", "text"))
    unknown = [i["public_id"] for i in connect + replies if i["public_id"] not in state.people]
    if unknown:
        raise BadRequest(f"unknown public_id: {', '.join(unknown)}")
    with state.lock:
        state.config.update(config)
        for item in accounts:
            state.add_account(item["email"], item["password"])
        for item in connect:
            state.make_connected(item["email"], item["public_id"])
        for item in replies:
            state.add_reply(item["email"], item["public_id"], item["text"])
    return json_response(state.snapshot())


def _set_faults(state, body: dict) -> Response:
    names = [name for name in body if name != "clear"]
    unknown = [name for name in names if name not in FAULTS]
    if unknown:  # validate every name before changing anything
        raise UnknownFault(f"unknown fault {', '.join(map(repr, unknown))}; known: {', '.join(FAULTS)}")
    if body.get("clear"):
        state.clear_faults()
    for name in names:
        state.set_fault(name, body[name])
    return json_response({"faults": dict(state.faults)})


def handle(state, request: Request) -> Response:
    path = request.path.rstrip("/")
    try:
        if path == "/__sim__/state" and request.method == "GET":
            return json_response(state.snapshot())
        if path == "/__sim__/state" and request.method == "POST":
            return _update_state(state, request.json())
        if path == "/__sim__/faults" and request.method == "POST":
            return _set_faults(state, request.json())
        if path == "/__sim__/reset" and request.method == "POST":
            state.reset()
            return json_response(state.snapshot())
        if path == "/__sim__/people" and request.method == "GET":
            keywords = request.query.get("keywords", "")
            people = [
                {"public_id": p["public_id"], "name": f"{p['first_name']} {p['last_name']}", "headline": p["headline"]}
                for p in state.people.values()
                if not keywords or matches(p, keywords)
            ]
            return json_response({"people": people})
    except (BadRequest, UnknownFault) as exc:
        return _error(str(exc))
    return json_response({"error": f"no control endpoint {request.method} {request.path}"}, 404)
