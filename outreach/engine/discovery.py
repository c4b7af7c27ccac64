"""Gap-fillers that find leads: enrichment of discovered profiles, keyword search, and the
auto-discovery of every profile link the browser passes by."""

import logging
import time

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from crm.models import Lead
from crm.services import activity_log, lead_discover, lead_enrich
from outreach.engine.lanestate import lane_idle, take_lease
from outreach.engine.models import Lane
from outreach.models import SearchKeyword

log = logging.getLogger(__name__)
SEARCH_PAGES = 2


def record_discovered(session, account, campaign) -> int:
    """Store the profile ids the browser saw since the last call as discovered leads."""
    from outreach.linkedin.urls import profile_url

    created = 0
    for public_id in session.drain_discovered():
        _lead, new = lead_discover(
            team=account.team, public_id=public_id, url=profile_url(public_id, account.base_url), campaign=campaign
        )
        created += int(new)
    return created


def enrich_backlog(team):
    return Lead.objects.filter(team=team).discovered().filter(enrich_error="").order_by("discovered_at")


def _account_errors() -> tuple[type[Exception], ...]:
    from outreach.linkedin import errors

    return (errors.LoginFailed, errors.CheckpointRequired, errors.SessionExpired, errors.RateLimited,
            errors.ReachedConnectionLimit)  # fmt: skip


def run_enrich(session, account, limit: int | None = None) -> int:
    """Scrape up to `limit` discovered profiles of the account's team, `ENGINE_ENRICH_MIN_INTERVAL` apart."""
    from outreach.linkedin import actions, errors
    from outreach.linkedin.voyager import VoyagerParseError

    account_errors = _account_errors()
    limit = settings.ENGINE_ENRICH_PER_TICK if limit is None else limit
    done = 0
    for lead in enrich_backlog(account.team)[:limit]:
        if done:
            time.sleep(settings.ENGINE_ENRICH_MIN_INTERVAL)
        try:
            parsed, raw = actions.scrape_profile(session, lead.public_id)
        except account_errors:
            raise  # about the account, not this profile: the tick handles it
        except (errors.LinkedInError, VoyagerParseError) as exc:
            # This profile cannot be read: set it aside (shown on the lead) so it never blocks the backlog.
            Lead.objects.filter(pk=lead.pk).update(enrich_error=f"{type(exc).__name__}: {exc}"[:500])
            done += 1
            continue
        lead_enrich(lead=lead, profile=parsed, raw=raw)
        done += 1
    return done


def needs_search(campaign) -> bool:
    """Search only when the qualify lane has nothing to do and the pipeline runs low."""
    from qualifier.service import count_qualifiable

    if campaign.is_partner or enrich_backlog(campaign.team).exists():
        return False
    if not lane_idle(campaign, None, Lane.QUALIFY):
        return False
    return count_qualifiable(campaign) < campaign.min_qualifiable_leads


def pop_keyword(campaign) -> SearchKeyword | None:
    """Take the oldest unused keyword (atomically); ask for more from the LLM when none are left."""
    for kw in SearchKeyword.objects.filter(campaign=campaign, used=False).order_by("created_at", "pk")[:5]:
        if SearchKeyword.objects.filter(pk=kw.pk, used=False).update(used=True, used_at=timezone.now()) == 1:
            return kw
    if take_lease(campaign, None, Lane.KEYWORDS, settings.ENGINE_LLM_RETRY_SECONDS):
        from outreach.tasks import refill_keywords

        refill_keywords.delay(campaign_id=campaign.pk)
    return None


def refill_keywords(campaign) -> int:
    """New keywords from the LLM, the used ones passed as exclusions. Returns how many were added."""
    from qualifier.llm import generate_keywords

    existing = list(SearchKeyword.objects.filter(campaign=campaign).values_list("keyword", flat=True))
    added = 0
    for keyword in generate_keywords(campaign, exclude=existing, n=10):
        try:
            SearchKeyword.objects.create(campaign=campaign, keyword=keyword[:200])
            added += 1
        except IntegrityError:
            continue
    activity_log(team=campaign.team, kind="keywords", campaign=campaign, detail=f"{added} new search keywords")
    return added


def run_search(session, account, campaign) -> bool:
    """Search LinkedIn people with one keyword and record the results as discovered leads."""
    from outreach.linkedin import actions
    from outreach.linkedin.urls import profile_url

    keyword = pop_keyword(campaign)
    if keyword is None:
        return False
    found = 0
    for page in range(1, SEARCH_PAGES + 1):
        ids = actions.search_people(session, keyword.keyword, page=page)
        new = 0
        for public_id in ids:
            _, created = lead_discover(
                team=account.team, public_id=public_id, url=profile_url(public_id, account.base_url), campaign=campaign
            )
            new += int(created)
        found += new
        if not ids or not new:
            break
    activity_log(
        team=campaign.team, kind="discover", campaign=campaign, account=account,
        detail=f"“{keyword.keyword}”: {found} new leads", data={"keyword": keyword.keyword, "new": found},
    )  # fmt: skip
    return True
