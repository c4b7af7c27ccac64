"""LinkedIn profile URLs: a strict `/in/<public_id>` extractor, its inverse, and discovery.

Decisions (each has a unit test in tests/test_linkedin_urls.py):
- The host does not matter (linkedin.com, a country subdomain such as `fr.linkedin.com`, or the
  simulator on 127.0.0.1); relative hrefs (`/in/foo/`) count. Query strings and fragments are
  ignored. `in/foo` without the leading slash, bare words and non-http schemes are not URLs.
- `/in/` must be the FIRST path segment. `/company/x/in/y` or `/fr/in/foo` are not profile URLs
  (LinkedIn puts languages on subdomains, never as a path prefix).
- Segments after the id belong to that profile: `/in/foo/fr/` (a secondary-language version),
  `/in/foo/overlay/contact-info/`, `/in/foo/details/experience/` → `foo`.
- `/in/me/` is the viewer's own-profile alias, never a person: → None.
- Percent-encoded ids are decoded (`j%C3%B6rg` → `jörg`), so one person has one id whichever
  form a page used; `profile_url` encodes it again.
- Vanity ids are case-insensitive on LinkedIn and normalised to lower case. Member ids
  (`ACoAA…`, the base64-like form some links carry instead of a vanity name) are case-sensitive
  and kept as they are.
- An id is 2 to 100 word characters or hyphens (Unicode letters allowed); anything else → None.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

RESERVED_IDS = frozenset({"me"})
_ID_RE = re.compile(r"^[\w-]{2,100}$")
_MEMBER_ID_RE = re.compile(r"^ACo[A-Za-z0-9_-]{20,}$")
_HREF_RE = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _normalise(raw: str) -> str | None:
    public_id = unquote(raw).strip()
    if not _ID_RE.match(public_id):
        return None
    if not _MEMBER_ID_RE.match(public_id):
        public_id = public_id.lower()
    return None if public_id in RESERVED_IDS else public_id


def public_id_from_url(url: str | None) -> str | None:
    """The public id of a profile URL (`…/in/<id>/…`), or None when the URL is not a profile's."""
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("", "http", "https"):
        return None
    if not parts.scheme and not parts.netloc and not parts.path.startswith("/"):
        host, _, rest = parts.path.partition("/")
        if "." not in host or not rest:  # "in/foo" or a bare word; "www.linkedin.com/in/foo" is fine
            return None
        parts = urlsplit("https://" + url.strip())
    segments = parts.path.split("/")
    # "/in/foo/" splits into ["", "in", "foo", ""]
    if len(segments) < 3 or segments[0] != "" or segments[1] != "in":
        return None
    return _normalise(segments[2])


def profile_url(public_id: str, base_url: str) -> str:
    """The canonical profile URL of `public_id` on `base_url` (e.g. https://www.linkedin.com)."""
    normal = _normalise(public_id or "")
    if normal is None:
        raise ValueError(f"not a LinkedIn public id: {public_id!r}")
    return f"{base_url.rstrip('/')}/in/{quote(normal, safe='')}/"


def hrefs_in_html(page_html: str) -> list[str]:
    """Every href attribute value in an HTML string (entities decoded)."""
    return [html.unescape(a or b) for a, b in _HREF_RE.findall(page_html)]


def discover_profile_ids(html_or_hrefs: str | Iterable[str]) -> list[str]:
    """Distinct profile ids linked from an HTML page or a list of hrefs, in first-seen order."""
    hrefs = hrefs_in_html(html_or_hrefs) if isinstance(html_or_hrefs, str) else html_or_hrefs
    seen: dict[str, None] = {}
    for href in hrefs:
        public_id = public_id_from_url(href)
        if public_id is not None:
            seen.setdefault(public_id, None)
    return list(seen)


def path_of(url: str) -> str:
    return urlsplit(url).path or "/"


def is_logged_out_path(path: str) -> bool:
    """LinkedIn's logged-out pages: the auth wall and the login/sign-up forms."""
    return path.startswith(("/authwall", "/login", "/uas/login", "/signup"))


def is_checkpoint_path(path: str) -> bool:
    """A security challenge. `/checkpoint/lg/…` is the login form's own post, not a challenge."""
    return path.startswith("/checkpoint/") and not path.startswith("/checkpoint/lg/")
