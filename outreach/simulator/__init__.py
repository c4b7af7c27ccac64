"""A LinkedIn simulator: the test double for the browser layer and the product's sandbox mode.

Start it with `python manage.py linkedin_sim --port 8765 --seed 42` (options: `--accept-after S`,
`--accept-probability P`, `--reply-probability P`, `--reply-after S`, `--people N`, `--host H`; the
defaults: 70% of invitations accepted after 30 s, 30% of messages answered after 60 s) or
in-process with `SimServer(...).start()`. Point `LINKEDIN_BASE_URL` (or a sandbox account's
`SANDBOX_BASE_URL`) at it and the real Playwright code runs unchanged.

- Any e-mail logs in with the password `sandbox` (unless `add_account` gave it another one); the
  account is created on first login and keeps its own invitations, connections and messages.
  Every account starts with the population's seeded 1st-degree connections and pending invitations.
- Pages: `/login` → `/feed/`, `/checkpoint/challenge/<id>`, `/authwall`, `/in/<public_id>/`,
  `/in/me/`, `/search/results/people/?keywords=…&page=N`, `/messaging/compose/?recipient=…`,
  `/messaging/thread/new/?recipient=<urn>`, `/messaging/thread/<public_id>/`, `/messaging/`,
  `/mynetwork/`, `/mynetwork/invitation-manager/sent/`.
- Voyager: `/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity=<id>` (csrf-token
  header = JSESSIONID without quotes, else 403; no valid `li_at`, 401; unknown id, 404), plus the
  invitation and message endpoints the page script posts to.
- Faults (`SimServer.set_fault` or `POST /__sim__/faults`): `slow` (seconds), `rate_limit` (N
  requests answered 429, or `true` for all), `http_999`, `logged_out` (expires every session issued
  so far), `checkpoint`, `missing_connect`, `malformed_voyager` (`true`: a profile missing from
  `included`; `"truncated"`: not JSON), `weekly_limit`, `interop_overlay` (a full-viewport layer
  over every page that intercepts pointer clicks, as LinkedIn's `interop-shadowdom` does).
- Control API: see `outreach.simulator.control`.

Production code never imports this package; only the sandbox command and tests do.
"""
