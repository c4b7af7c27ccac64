"""HTML for the simulator's non-profile pages: layout, login, checkpoint, authwall, feed, search."""

from html import escape
from urllib.parse import quote, urlencode

from outreach.simulator.assets import SCRIPT, STYLE

RESULTS_PER_PAGE = 10


def full_name(person: dict) -> str:
    return f"{person['first_name']} {person['last_name']}"


def degree_text(degree: int | None) -> str:
    return {1: "· 1st", 2: "· 2nd", 3: "· 3rd"}.get(degree or 0, "")


def mini_profile_href(base: str, person: dict) -> str:
    urn = quote(f"urn:li:fs_miniProfile:{person['member_id']}", safe="")
    return f"{base}/in/{person['public_id']}/?miniProfileUrn={urn}"


def layout(title: str, body: str, *, nav: bool = True, before_main: str = "", after_main: str = "") -> str:
    header = ""
    if nav:
        header = (
            '<header class="global-nav"><a href="/feed/">Home</a><a href="/mynetwork/">My Network</a>'
            '<a href="/messaging/">Messaging</a><form action="/search/results/people/" method="get">'
            '<input type="hidden" name="origin" value="GLOBAL_SEARCH_HEADER">'
            '<input name="keywords" placeholder="Search" aria-label="Search"></form></header>'
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | LinkedIn</title>'
        f"<style>{STYLE}</style></head><body>{header}{before_main}"
        f'<main id="workspace">{body}</main>{after_main}<div class="toasts"></div>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def login_page(*, error: str = "", email: str = "", redirect: str = "") -> str:
    alert = f'<div id="error-for-password" role="alert">{escape(error)}</div>' if error else ""
    hidden = f'<input type="hidden" name="session_redirect" value="{escape(redirect)}">' if redirect else ""
    body = (
        "<section><h1>Sign in</h1><p>Stay updated on your professional world.</p>"
        '<form class="login__form" method="post" action="/uas/login-submit">'
        f'<label for="username">Email or phone</label><input id="username" name="session_key" type="text" '
        f'autocomplete="username" value="{escape(email)}"><br>'
        '<label for="password">Password</label><input id="password" name="session_password" type="password" '
        f'autocomplete="current-password">{alert}{hidden}<br>'
        '<button class="btn__primary--large" type="submit" aria-label="Sign in">Sign in</button></form></section>'
    )
    return layout("Sign in", body, nav=False)


def checkpoint_page(challenge_id: str, *, error: str = "") -> str:
    alert = f'<div role="alert" class="form__error">{escape(error)}</div>' if error else ""
    body = (
        "<section><h1>Let's do a quick security check</h1>"
        "<p>We noticed unusual activity. Enter the code we sent to your email address.</p>"
        f'<form method="post" action="/checkpoint/challenge/{escape(challenge_id)}">'
        '<input id="input__email_verification_pin" name="pin" inputmode="numeric" aria-label="Enter code">'
        f'{alert}<button type="submit" id="email-pin-submit-button">Submit</button></form></section>'
    )
    return layout("Security Verification", body, nav=False)


def authwall_page(redirect: str) -> str:
    login = "/login?" + urlencode({"session_redirect": redirect}) if redirect else "/login"
    body = (
        '<section class="authwall-join-form"><h1>Join LinkedIn to see more</h1>'
        "<p>Sign in to view this page and connect with people you know.</p>"
        f'<a class="authwall-join-form__form-toggle--bottom" href="{escape(login)}">Sign in</a></section>'
    )
    return layout("Sign Up", body, nav=False)


def feed_page(viewer: dict, suggestions: list[dict], base: str) -> str:
    cards = "".join(
        f'<li><a href="{escape(mini_profile_href(base, p))}">{escape(full_name(p))}</a>'
        f"<p>{escape(p['headline'])}</p></li>"
        for p in suggestions
    )
    body = (
        f'<section class="feed-identity-module"><a href="/in/{escape(viewer["public_id"])}/">'
        f"<h2>Welcome, {escape(viewer['first_name'])}!</h2></a></section>"
        f'<section aria-label="People you may know"><h2>People you may know</h2><ul>{cards}</ul></section>'
    )
    return layout("Feed", body)


def search_page(*, keywords: str, page: int, results: list[tuple[dict, int | None, str]], total: int, base: str) -> str:
    """`results`: (person, degree, relationship) for this page; `total`: all matches."""
    pages = max(1, -(-total // RESULTS_PER_PAGE))
    items = "".join(_search_item(person, degree, relationship, base) for person, degree, relationship in results)
    if not items:
        listing = '<section class="search-reusable-search-no-results"><h2>No results found</h2></section>'
    else:
        listing = (
            f'<section><h2 class="pb2 t-black--light t-14">About {total} results</h2>'
            f'<ul role="list" class="search-results">{items}</ul>{_pagination(keywords, page, pages)}</section>'
        )
    return layout(f"{keywords} | Search", listing)


def _search_item(person: dict, degree: int | None, relationship: str, base: str) -> str:
    name = escape(full_name(person))
    if relationship == "connected":
        action = (
            f'<a aria-label="Message {name}" href="/messaging/compose/?recipient={person["member_id"]}">Message</a>'
        )
    elif relationship == "pending":
        action = f'<button aria-label="Pending, click to withdraw invitation sent to {name}">Pending</button>'
    else:
        action = (
            f'<button aria-label="Invite {name} to connect" data-sim="connect" '
            f'data-sim-id="{escape(person["public_id"])}" data-sim-name="{name}">Connect</button>'
        )
    return (
        f'<li class="reusable-search__result-container"><div><a href="{escape(mini_profile_href(base, person))}">'
        f'<span dir="ltr"><span aria-hidden="true">{name}</span></span></a>'
        f"<span>{escape(degree_text(degree))}</span>"
        f'<div class="entity-result__primary-subtitle">{escape(person["headline"])}</div>'
        f'<div class="entity-result__secondary-subtitle">{escape(person["location"])}</div>'
        f"{action}</div></li>"
    )


def _pagination(keywords: str, page: int, pages: int) -> str:
    def href(number: int) -> str:
        query = urlencode({"keywords": keywords, "origin": "GLOBAL_SEARCH_HEADER", "page": number})
        return f"/search/results/people/?{query}"

    def button(label: str, number: int, text: str, *, current: bool = False, disabled: bool = False) -> str:
        state = ' aria-current="true"' if current else ""
        state += " disabled" if disabled else ""
        return (
            f'<button type="button" aria-label="{label}" data-sim="goto" data-sim-href="{escape(href(number))}"'
            f"{state}><span>{text}</span></button>"
        )

    numbers = "".join(
        f'<li data-test-pagination-page-btn="{n}">{button(f"Page {n}", n, str(n), current=n == page)}</li>'
        for n in range(1, pages + 1)
    )
    return (
        '<div class="artdeco-pagination">'
        f"{button('Previous', max(1, page - 1), 'Previous', disabled=page <= 1)}"
        f'<ul class="artdeco-pagination__pages">{numbers}</ul>'
        f"{button('Next', min(pages, page + 1), 'Next', disabled=page >= pages)}</div>"
    )


def network_page(title: str, people: list[dict], base: str) -> str:
    """My Network lists: the account's connections, or the invitations it has sent."""
    rows = "".join(
        f'<li class="mn-connection-card"><a href="{escape(base)}/in/{escape(p["public_id"])}/">'
        f"<span>{escape(full_name(p))}</span></a><p>{escape(p['headline'])}</p></li>"
        for p in people
    )
    return layout(title, f"<section><h2>{escape(title)} ({len(people)})</h2><ul>{rows}</ul></section>")


def not_found_page() -> str:
    return layout("Page not found", "<section><h1>This page doesn&rsquo;t exist</h1></section>")


def error_page(title: str, text: str) -> str:
    return layout(title, f"<section><h1>{escape(title)}</h1><p>{escape(text)}</p></section>", nav=False)
