"""Messaging: the pop-up overlay, the compose/new-thread page and the conversation page."""

from html import escape

from outreach.simulator.pages import full_name, layout


def _events(events: list[dict]) -> str:
    return "".join(
        f'<li class="msg-s-message-list__event" data-sender="{event["sender"]}">'
        f'<p class="msg-s-event-listitem__body">{escape(event["text"])}</p></li>'
        for event in events
    )


def message_form(person: dict) -> str:
    return (
        f'<form class="msg-form" data-sim-recipient="{escape(person["public_id"])}">'
        '<div class="msg-form__contenteditable" role="textbox" contenteditable="true" aria-multiline="true" '
        'aria-label="Write a message…"></div>'
        '<button class="msg-form__send-button" type="submit">Send</button></form>'
    )


def conversation(person: dict, events: list[dict]) -> str:
    return (
        f'<h2 class="msg-entity-lockup__entity-title">{escape(full_name(person))}</h2>'
        f'<ul class="msg-s-message-list-content">{_events(events)}</ul>{message_form(person)}'
    )


def overlay(person: dict, events: list[dict]) -> str:
    """The fragment the Message button's script inserts at the end of body."""
    return (
        '<aside class="msg-overlay-conversation-bubble" role="complementary" '
        f'aria-label="Messaging with {escape(full_name(person))}">'
        '<button type="button" aria-label="Close your conversation" data-sim="close-overlay">&times;</button>'
        f"{conversation(person, events)}</aside>"
    )


def compose_page(person: dict, events: list[dict]) -> str:
    return layout("Messaging", f'<section class="msg-thread">{conversation(person, events)}</section>')


def thread_page(person: dict, events: list[dict]) -> str:
    return layout(
        f"{full_name(person)} | Messaging",
        f'<section class="msg-thread" data-sim-thread="{escape(person["public_id"])}">'
        f"{conversation(person, events)}</section>",
    )


def inbox_page(threads: list[tuple[dict, list[dict]]]) -> str:
    rows = "".join(
        f'<li class="msg-conversation-listitem"><a href="/messaging/thread/{escape(p["public_id"])}/">'
        f"<h3>{escape(full_name(p))}</h3><p>{escape(events[-1]['text'] if events else '')}</p></a></li>"
        for p, events in threads
    )
    return layout(
        "Messaging", f'<section><h2>Messaging</h2><ul class="msg-conversations-container">{rows}</ul></section>'
    )
