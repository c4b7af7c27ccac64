"""The LinkedIn browser layer: one Chromium per account, every LinkedIn action, the Voyager parser.

Modules, from the bottom up:
- `urls`: the strict `/in/<id>` extractor, its inverse, discovery of ids on a page.
- `voyager`: `parse_profile(data)` for Voyager profile JSON; `VoyagerParseError`.
- `errors`: the typed failures callers branch on.
- `selectors`, `locators`: the stable DOM hooks and the read-only top-card/status logic, proven on
  saved linkedin.com pages (tests/test_real_pages.py) and on the simulator.
- `driver`, `pacing`, `session`: the process's Playwright, human pacing, and the per-account
  `BrowserSession` (login, stored cookies, checkpoint handling, navigation, discovery).
- `interact`, `actions`: clicking and waiting on live pages, and the actions themselves
  (`scrape_profile`, `connection_status`, `send_connection_request`, `send_message`,
  `search_people`, `read_conversation`, `test_login`), each recorded as an Activity.

By hand: `python manage.py linkedin status|profile|connect|message|read|search|login <account> …`.
To watch the browser, set BROWSER_HEADLESS=false and run under a display (`xvfb-run -a …` on a server).
"""
