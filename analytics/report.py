"""The analytics screen's content for one team: numbers and SVG charts from the marts."""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from analytics import charts
from analytics.store import team_table

FUNNEL_STEPS = (
    ("discovered", "Discovered"),
    ("enriched", "Enriched"),
    ("qualified", "Qualified"),
    ("invited", "Invited"),
    ("accepted", "Accepted"),
    ("messaged", "Messaged"),
    ("replied", "Replied"),
)
ACTIVITY_DAYS = 30  # the activity and qualifier charts show the last 30 days with data
OTHER_ACTIONS = ("scrapes", "searches", "status_checks", "reads", "logins", "other_actions")


def _group(rows: list[dict], key: str) -> dict[Any, list[dict]]:
    groups: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return dict(groups)


def _day_window(rows: list[dict]) -> list[date]:
    """Consecutive days up to the last day with data, at most ACTIVITY_DAYS long."""
    if not rows:
        return []
    last = max(r["day"] for r in rows)
    first = max(min(r["day"] for r in rows), last - timedelta(days=ACTIVITY_DAYS - 1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def campaigns_section(team_id: int) -> dict:
    rows = team_table("campaign_funnel", team_id).dicts()
    campaigns = []
    acceptance, replies = [], []
    for rs in _group(rows, "campaign_id").values():
        last = rs[-1]
        totals = {step: int(last[f"{step}_to_date"]) for step, _ in FUNNEL_STEPS}
        name = last["campaign_name"]
        campaigns.append(
            {
                "id": last["campaign_id"],
                "name": name,
                "totals": totals,
                "acceptance_rate": last["acceptance_rate"],
                "reply_rate": last["reply_rate"],
                "funnel_svg": charts.funnel(
                    f"Funnel of {name}", [(label, totals[step]) for step, label in FUNNEL_STEPS]
                ),
            }
        )
        acceptance.append((name, [(r["day"], r["acceptance_rate"]) for r in rs]))
        replies.append((name, [(r["day"], r["reply_rate"]) for r in rs]))
    return {
        "campaigns": campaigns,
        "acceptance_svg": charts.line_chart("Acceptance rate to date", acceptance) if campaigns else "",
        "reply_svg": charts.line_chart("Reply rate to date", replies) if campaigns else "",
    }


def accounts_section(team_id: int) -> list[dict]:
    rows = team_table("account_activity", team_id).dicts()
    accounts = []
    for rs in _group(rows, "account_id").values():
        days = _day_window(rs)
        by_day = {r["day"]: r for r in rs}

        def series(*fields: str, by_day=by_day, days=days) -> list[int]:
            return [sum(int(by_day[d][f]) for f in fields) if d in by_day else 0 for d in days]

        last = rs[-1]
        accounts.append(
            {
                "id": last["account_id"],
                "username": last["username"],
                "last": last,
                "activity_svg": charts.stacked_bars(
                    f"Daily actions of {last['username']}",
                    days,
                    [
                        ("connects", series("connects")),
                        ("messages", series("messages")),
                        ("other", series(*OTHER_ACTIONS)),
                        ("failed", series("failed")),
                    ],
                    limit=last["connect_daily_limit"],
                    limit_label="connect limit",
                ),
            }
        )
    return accounts


def qualifier_section(team_id: int) -> dict:
    rows = team_table("qualifier_daily", team_id).dicts()
    campaigns, shares = [], []
    for rs in _group(rows, "campaign_id").values():
        days = _day_window(rs)
        by_day = {r["day"]: r for r in rs}
        name = rs[-1]["campaign_name"]

        def series(field: str, by_day=by_day, days=days) -> list[int]:
            return [int(by_day[d][field]) if d in by_day else 0 for d in days]

        campaigns.append(
            {
                "name": name,
                "labels": int(rs[-1]["labels_to_date"]),
                "auto": int(rs[-1]["auto_labels_to_date"]),
                "llm": int(rs[-1]["llm_labels_to_date"]),
                "human": int(rs[-1]["human_labels_to_date"]),
                "auto_share": rs[-1]["auto_share_to_date"],
                "labels_svg": charts.stacked_bars(
                    f"Decisions per day in {name}",
                    days,
                    [
                        ("model", series("auto_labels")),
                        ("LLM", series("llm_labels")),
                        ("human", series("human_labels")),
                    ],
                ),
            }
        )
        shares.append((name, [(r["day"], r["auto_share_to_date"]) for r in rs]))
    return {
        "campaigns": campaigns,
        "share_svg": charts.line_chart("Share decided by the model, to date", shares) if campaigns else "",
    }


def dashboard(team_id: int) -> dict:
    """Everything the analytics screen shows for one team. Raises store.NotBuilt."""
    return {
        "funnel": campaigns_section(team_id),
        "accounts": accounts_section(team_id),
        "qualifier": qualifier_section(team_id),
    }
