"""The profile page `/in/<public_id>/` in LinkedIn's early-2026 "SDUI" structure.

Facts mirrored from the saved pages (see the fixtures README): cards are
`section[componentkey="com.linkedin.sdui.profile.card.ref<memberId><Card>"]` with the top card
first; a sticky toolbar before `main` repeats the More button; the top card's More menu is
rendered as a portal at the end of `body`; the Connect item is `a[role=menuitem]` holding
`div[aria-label="Invite <Full Name> to connect"]`; Pending is an anchor labelled
"Pending, click to withdraw invitation sent to <Full Name>"; Message is an anchor to
`/messaging/compose/?profileUrn=…&recipient=<id>…&interop=msgOverlay`; a "People also viewed"
section after the cards repeats other people's Invite/Follow buttons.
"""

import hashlib
from html import escape
from urllib.parse import quote

from outreach.simulator.pages import degree_text, full_name, layout, mini_profile_href

CARD = "com.linkedin.sdui.profile.card.ref"


def compose_href(person: dict) -> str:
    urn = quote(person["urn"], safe="")
    return (
        f"/messaging/compose/?profileUrn={urn}&recipient={person['member_id']}"
        "&screenContext=NON_SELF_PROFILE_VIEW&interop=msgOverlay"
    )


def _follow(person: dict) -> str:
    name = escape(full_name(person))
    return (
        f'<button type="button" aria-label="Follow {name}" data-sim="follow" data-sim-name="{name}">'
        "<span><span>Follow</span></span></button>"
    )


def _message(person: dict) -> str:
    return (
        f'<a aria-label="Message" aria-disabled="false" href="{escape(compose_href(person))}" data-sim="message">'
        "<span><span>Message</span></span></a>"
    )


def _connect_attrs(person: dict) -> str:
    return f'data-sim="connect" data-sim-id="{escape(person["public_id"])}" data-sim-name="{escape(full_name(person))}"'


def _direct_connect(person: dict) -> str:
    name = escape(full_name(person))
    return (
        f'<div role="button" tabindex="0" aria-label="Invite {name} to connect" {_connect_attrs(person)}>'
        "<span><span>Connect</span></span></div>"
    )


def _pending(person: dict, base: str) -> str:
    name = escape(full_name(person))
    return (
        f'<a aria-disabled="false" href="{base}/in/{escape(person["public_id"])}/" '
        f'aria-label="Pending, click to withdraw invitation sent to {name}" data-sim="withdraw" '
        f'data-sim-id="{escape(person["public_id"])}"><span><span>Pending</span></span></a>'
    )


def _more() -> str:
    return (
        '<button type="button" aria-label="More actions" aria-expanded="false" data-sim="more" '
        'data-sim-menu="sim-more-menu"><span><span>More</span></span></button>'
    )


def _menu(person: dict, relationship: str, with_connect: bool) -> str:
    """The More menu, kept in a <template> until the page script portals it to the end of body."""
    pid = escape(person["public_id"])
    items = [
        f'<a role="menuitem" href="/messaging/compose/?body=%2Fin%2F{pid}&amp;interop=msgOverlay">'
        "<div><p>Send profile in a message</p></div></a>",
        '<div role="menuitem"><div><p>Save to PDF</p></div></div>',
    ]
    if with_connect:
        name = escape(full_name(person))
        items.append(
            f'<div><a role="menuitem" href="/preload/custom-invite/?vanityName={pid}" {_connect_attrs(person)}>'
            f'<div aria-label="Invite {name} to connect"><div><p>Connect</p></div></div></a></div>'
        )
    if relationship == "connected":
        items.append('<div role="menuitem"><div><p>Remove connection</p></div></div>')
    items.append(
        f'<a role="menuitem" href="/preload/report-in-modal/?entityUrn=urn%3Ali%3Amember%3A{person["object_id"]}">'
        "<div><p>Report / Block</p></div></a>"
    )
    inner = "".join(f"<div>{item}</div>" for item in items)
    return f'<template id="sim-more-menu"><div id="sim-menu-portal"><div role="menu">{inner}</div></div></template>'


def top_card_actions(person: dict, relationship: str, base: str, missing_connect: bool) -> tuple[str, str]:
    """(buttons on the card, More-menu template) for this relationship and profile layout."""
    if relationship == "self":
        return '<button type="button">Open to</button><button type="button">Add profile section</button>', ""
    if relationship == "connected":
        return _message(person) + _more(), _menu(person, relationship, False)
    if relationship == "pending":
        return _pending(person, base) + _more(), _menu(person, relationship, False)
    if missing_connect:
        return _follow(person), ""
    layout_kind = person["layout"]
    if layout_kind == "connect":
        return _direct_connect(person) + _message(person) + _more(), _menu(person, relationship, False)
    if layout_kind == "creator":
        return _follow(person) + _message(person) + _more(), _menu(person, relationship, True)
    if layout_kind == "follow_only":
        return _follow(person) + _more(), _menu(person, relationship, False)
    return _follow(person) + _more(), _menu(person, relationship, True)  # "more": Connect under More


def _degree_labels(degree: int | None) -> str:
    """Like linkedin.com, the name row carries a second, wrapped degree label that is not the true one."""
    if degree is None:
        return ""
    decoy = degree_text(2 if degree == 1 else 1)
    return f'<div data-display-contents="true"><p>{decoy}</p></div><p>{escape(degree_text(degree))}</p>'


def _top_card(person: dict, degree: int | None, actions: str, base: str) -> str:
    key = f"{CARD}{person['member_id']}Topcard"
    pid = escape(person["public_id"])
    current = person["positions"][0]["company_name"] if person["positions"] else ""
    school = person["educations"][0]["school_name"] if person["educations"] else ""
    return (
        f'<div componentkey="{key}"><section componentkey="{key}"><div>'
        f'<a href="{base}/in/{pid}/"><div aria-label="Profile photo"><figure aria-hidden="true"></figure></div></a>'
        f'<div><div><a href="{base}/in/{pid}/"><h1>{escape(full_name(person))}</h1></a>'
        f"{_degree_labels(degree)}</div>"
        f"<p>{escape(person['headline'])}</p><p>{escape(current)} · {escape(school)}</p>"
        f"<div><p>{escape(person['location'])}</p><p>·</p>"
        f'<p><a href="{base}/in/{pid}/overlay/contact-info/">Contact info</a></p></div>'
        f"<div><p>{person['followers']:,} followers</p><p>500+</p><p>connections</p></div>"
        f'<div class="actions">{actions}</div></div></div></section></div>'
    )


def _cards(person: dict) -> str:
    key = f"{CARD}{person['member_id']}"
    jobs = "".join(
        f"<li><h3>{escape(p['title'])}</h3><p>{escape(p['company_name'])}</p>"
        f"<p>{p['start']['year']} &ndash; {p['end']['year'] if p['end'] else 'Present'}</p></li>"
        for p in person["positions"]
    )
    schools = "".join(
        f"<li><h3>{escape(e['school_name'])}</h3><p>{escape(e['degree'])}, {escape(e['field_of_study'])}</p></li>"
        for e in person["educations"]
    )
    return (
        f'<section componentkey="{key}About"><h2>About</h2><p>{escape(person["summary"])}</p></section>'
        f'<section componentkey="{key}Experience"><h2>Experience</h2><ul>{jobs}</ul></section>'
        f'<section componentkey="{key}Education"><h2>Education</h2><ul>{schools}</ul></section>'
    )


def _browsemap(person: dict, others: list[tuple[dict, int | None, str]], base: str) -> str:
    """'People also viewed': other people's Invite/Follow buttons — the trap for unscoped locators."""
    rows = []
    for other, degree, relationship in others:
        name = escape(full_name(other))
        if relationship == "none" and other["layout"] in ("connect", "more"):
            button = (
                f'<button type="button" aria-label="Invite {name} to connect" {_connect_attrs(other)}>'
                "<span><span>Connect</span></span></button>"
            )
        elif relationship == "connected":
            button = _message(other)
        else:
            button = _follow(other)
        rows.append(
            f'<li><a href="{escape(mini_profile_href(base, other))}"><div><p>{name}</p>'
            f"<p>{escape(degree_text(degree))}</p></div><div><p>{escape(other['headline'])}</p></div></a>"
            f"<div>{button}</div></li>"
        )
    ref = hashlib.sha1(person["member_id"].encode()).hexdigest()[:24]
    return f'<section componentkey="{CARD}{ref}Browsemap"><h2>People also viewed</h2><ul>{"".join(rows)}</ul></section>'


def _dialogs() -> str:
    invite = (
        '<template id="sim-invite-dialog"><div role="dialog" aria-labelledby="send-invite-modal" '
        'class="artdeco-modal send-invite">'
        '<button type="button" aria-label="Dismiss" data-sim="dismiss">&times;</button>'
        '<h2 id="send-invite-modal">Add a note to your invitation?</h2>'
        "<p>Personalize your invitation to <strong data-sim-invitee></strong> by adding a note.</p>"
        '<div data-sim-note hidden><textarea id="custom-message" name="message" maxlength="300" '
        'aria-label="Add a note"></textarea><button type="button" aria-label="Send invitation" '
        'data-sim="send-note">Send</button></div><div class="artdeco-modal__actionbar">'
        '<button type="button" aria-label="Add a note" data-sim="add-note">Add a note</button>'
        '<button type="button" aria-label="Send without a note" data-sim="send-invite">Send without a note</button>'
        "</div></div></template>"
    )
    limit = (
        '<template id="sim-weekly-limit"><div role="dialog" aria-labelledby="ip-fuse-limit-alert__header" '
        'class="artdeco-modal ip-fuse-limit-alert"><h2 id="ip-fuse-limit-alert__header">'
        "You've reached the weekly invitation limit</h2>"
        '<div class="ip-fuse-limit-alert__warning">You\'ve reached the weekly invitation limit. '
        "Please wait until next week to send more invitations.</div>"
        '<button type="button" aria-label="Got it" data-sim="dismiss">Got it</button></div></template>'
    )
    return invite + limit


def profile_page(
    person: dict,
    *,
    degree: int | None,
    relationship: str,
    others: list[tuple[dict, int | None, str]],
    base: str,
    missing_connect: bool = False,
) -> str:
    actions, menu = top_card_actions(person, relationship, base, missing_connect)
    pid = escape(person["public_id"])
    toolbar_more = _more() if menu else ""
    toolbar = (
        f'<div role="toolbar"><a href="{base}/in/{pid}/"><div aria-label="{escape(full_name(person))}">'
        f"<p>{escape(full_name(person))}</p></div></a>{toolbar_more}</div>"
    )
    body = _top_card(person, degree, actions, base) + _cards(person) + _browsemap(person, others, base)
    return layout(full_name(person), body, before_main=toolbar, after_main=menu + _dialogs())
