"""The work screens in real Chromium: drag cards on the kanban, clear the review queue by keyboard,
approve a follow-up."""

import re

import pytest
from playwright.sync_api import expect

from crm.models import Deal, MessageStatus, Stage
from qualifier.models import Label, ReviewItem, ReviewStatus
from tests.conftest import screenshot
from tests.factories import CampaignFactory, DealFactory, EnrichedLeadFactory, MessageFactory, ReviewItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(team):
    return CampaignFactory(team=team, name="Warehouses")


def _deal(campaign, stage, first, last):
    lead = EnrichedLeadFactory(team=campaign.team, first_name=first, last_name=last, headline="Head of Warehousing")
    return DealFactory(campaign=campaign, team=campaign.team, lead=lead, stage=stage, score=0.93)


def test_drag_a_card_legal_then_illegal(live_server, login_page, owner, campaign):
    new = _deal(campaign, Stage.NEW, "Nina", "Newman")
    done = _deal(campaign, Stage.COMPLETED, "Carl", "Complete")
    page = login_page(owner)
    page.goto(f"{live_server.url}/pipeline/")
    expect(page.get_by_text("Tip: choose a campaign")).to_be_visible()
    screenshot(page, "ui_work_kanban_all_campaigns")
    page.get_by_label("Campaign").select_option(label="Warehouses")
    expect(page).to_have_url(re.compile(rf"campaign={campaign.pk}"))
    expect(page.get_by_text("Tip: choose a campaign")).to_be_hidden()
    expect(page.locator("#count-new")).to_have_text("1")

    page.locator(f"#card-deal-{new.pk}").drag_to(page.locator("#cards-pending"))

    expect(page.locator(f"#cards-pending #card-deal-{new.pk}")).to_be_visible()
    expect(page.locator("#count-pending")).to_have_text("1")
    expect(page.locator("#count-new")).to_have_text("0")
    expect(page.locator(".flash-success")).to_contain_text("moved to Pending")
    assert Deal.objects.get(pk=new.pk).stage == Stage.PENDING
    screenshot(page, "ui_work_kanban_after_move")

    arrived = _deal(campaign, Stage.CONNECTED, "Polly", "Polled")  # work done elsewhere shows up by itself
    expect(page.locator(f"#cards-connected #card-deal-{arrived.pk}")).to_be_visible(timeout=15_000)

    page.locator(f"#card-deal-{done.pk}").drag_to(page.locator("#cards-new"))

    expect(page.get_by_role("alert")).to_contain_text("cannot move from Completed to New")
    expect(page.locator(f"#cards-completed #card-deal-{done.pk}")).to_be_visible()
    assert Deal.objects.get(pk=done.pk).stage == Stage.COMPLETED
    screenshot(page, "ui_work_kanban_illegal_move")

    page.get_by_role("link", name="Nina Newman").click()
    drawer = page.get_by_role("dialog", name="Nina Newman")
    expect(drawer).to_contain_text("Head of Warehousing")
    expect(drawer.get_by_text("Pending", exact=False).first).to_be_visible()
    screenshot(page, "ui_work_lead_drawer")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(page.get_by_role("link", name="Nina Newman")).to_be_focused()  # focus goes back to the card

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "ui_work_kanban_phone")


def test_clear_the_review_queue_by_keyboard(live_server, login_page, owner, campaign):
    for i, name in enumerate(["Ada", "Bea", "Cy"]):
        ReviewItemFactory(
            campaign=campaign,
            lead=EnrichedLeadFactory(team=campaign.team, first_name=name, last_name="Reviewed"),
            probability=0.4 + i / 10,
            std=0.2,
            llm_reason="Not sure: the headline is vague.",
        )
    page = login_page(owner)
    page.goto(f"{live_server.url}/review/?campaign={campaign.pk}")
    counter = page.locator("#review-left")
    expect(counter).to_have_text("3")
    screenshot(page, "ui_work_review_queue")

    page.keyboard.press("j")
    expect(page.get_by_role("heading", name="Bea Reviewed")).to_be_visible()
    page.keyboard.press("k")
    expect(page.get_by_role("heading", name="Ada Reviewed")).to_be_visible()
    page.keyboard.press("y")
    expect(counter).to_have_text("2")
    page.keyboard.press("n")
    expect(counter).to_have_text("1")
    page.keyboard.press("u")  # undo the disqualification of Bea
    expect(counter).to_have_text("2")
    expect(page.get_by_role("heading", name="Bea Reviewed")).to_be_visible()
    page.keyboard.press("n")
    expect(counter).to_have_text("1")
    page.keyboard.press("s")
    expect(counter).to_have_text("0")
    expect(page.locator("#tab-reviews")).to_have_text("0")  # the tab's count follows out of band
    expect(page.get_by_role("heading", name="Nothing to review")).to_be_visible()
    screenshot(page, "ui_work_review_cleared")

    labels = dict(Label.objects.values_list("lead__first_name", "qualified"))
    assert labels == {"Ada": True, "Bea": False}
    statuses = dict(ReviewItem.objects.values_list("lead__first_name", "status"))
    assert statuses == {"Ada": ReviewStatus.DONE, "Bea": ReviewStatus.DONE, "Cy": ReviewStatus.SKIPPED}


def test_approve_an_edited_follow_up(live_server, login_page, owner, campaign):
    lead = EnrichedLeadFactory(team=campaign.team, first_name="Mo", last_name="Message")
    message = MessageFactory(
        team=campaign.team,
        lead=lead,
        campaign=campaign,
        status=MessageStatus.AWAITING_APPROVAL,
        text="Hi Mo, thanks for connecting!",
    )
    page = login_page(owner)
    page.goto(f"{live_server.url}/review/")
    page.get_by_role("link", name="Messages to approve").click()
    expect(page.locator("#messages-left")).to_have_text("1")
    box = page.get_by_role("textbox", name="Message text")
    box.fill("")
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("empty", re.I))
    box = page.get_by_role("textbox", name="Message text")
    box.fill("Hi Mo, thanks for connecting! Would a short call next week help?")
    screenshot(page, "ui_work_message_approval")
    page.get_by_role("button", name="Approve and send").click()

    expect(page.get_by_role("heading", name="No messages waiting")).to_be_visible()
    message.refresh_from_db()
    assert message.status == MessageStatus.APPROVED and message.text.endswith("next week help?")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Warehouses")).to_be_visible()
    screenshot(page, "ui_work_dashboard")
