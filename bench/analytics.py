"""Analytics benchmark: dbt build time over 100,000 leads and 1,000,000 activity rows.

A scratch DATA_DIR gets a migrated SQLite database, filled with bulk SQL (recursive CTEs, not the
ORM), then `manage.py analytics_build` runs in a subprocess exactly as `make analytics` would.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_LEADS = 100_000
N_ACTIVITIES = 1_000_000
N_CAMPAIGNS = 5
N_ACCOUNTS = 10
DAYS = 90

# Filler for NOT NULL columns the benchmark does not care about, by declared SQLite type.
FILLER = {"varchar": "''", "text": "'{}'", "integer": "0", "bigint": "0", "smallint": "0", "bool": "0", "real": "0"}


def _filler(decl: str) -> str:
    decl = decl.lower()
    if "date" in decl or "time" in decl:
        return "'2026-01-01 00:00:00'"
    for key, value in FILLER.items():
        if key in decl:
            return value
    return "0"


def insert(con: sqlite3.Connection, table: str, values: dict[str, str], source: str = "") -> None:
    """INSERT ... SELECT with `values` (column → SQL expression); other NOT NULL columns get filler."""
    columns = con.execute(f"pragma table_info({table})").fetchall()
    exprs = dict(values)
    for _cid, name, decl, notnull, default, pk in columns:
        if name not in exprs and notnull and default is None and not pk:
            exprs[name] = _filler(decl)
    names = ", ".join(exprs)
    con.execute(f"insert into {table} ({names}) select {', '.join(exprs.values())} {source}")


def numbers(n: int) -> str:
    return f"from (with recursive n(i) as (select 1 union all select i + 1 from n where i < {n}) select i from n)"


def ts(days_expr: str) -> str:
    """A timestamp `days_expr` days (may be fractional) before the benchmark's "now"."""
    return f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ({days_expr}) || ' days')"


PROFILE = """json_object(
    'headline', case i % 4 when 0 then 'Head of Operations' when 1 then 'Founder & CEO'
                when 2 then 'Senior Software Engineer' else 'Sales Manager' end,
    'summary', 'Profile ' || i, 'industry', case i % 3 when 0 then 'Logistics' else 'Software' end,
    'location', 'Berlin, Germany', 'country_code', 'de', 'connection_degree', 2 + i % 2,
    'skills', json_array('Logistics', 'SAP'),
    'positions', json_array(
        json_object('title', 'Operations Manager', 'company_name', 'Acme ' || (i % 500),
                    'start', (2010 + i % 12) || '-0' || (1 + i % 9), 'end', null),
        json_object('title', 'Analyst', 'company_name', 'Beta ' || (i % 300), 'start', '2008', 'end', '2010-06')),
    'educations', json_array(json_object('school_name', 'TU ' || (i % 50), 'degree', 'Master of Science',
                                          'field_of_study', 'Logistics', 'start', '2004', 'end', '2008')))"""


def fill(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    con.execute("pragma journal_mode=wal")
    con.execute("pragma synchronous=off")
    with con:
        insert(con, "crm_team", {"name": "'Bench team'", "created_at": ts("100")}, numbers(1))
        team = con.execute("select max(id) from crm_team").fetchone()[0]
        insert(
            con,
            "outreach_campaign",
            {
                "team_id": str(team),
                "name": "'Campaign ' || i",
                "created_at": ts("100"),
                "check_pending_after_hours": "24",
                "followup_template": "''",
            },
            numbers(N_CAMPAIGNS),
        )
        insert(
            con,
            "outreach_linkedinaccount",
            {
                "team_id": str(team),
                "username": "'seller' || i || '@bench.test'",
                "connect_daily_limit": "20",
                "connect_weekly_limit": "100",
                "followup_daily_limit": "30",
                "status": "'ok'",
                "active": "1",
                "created_at": ts("100"),
            },
            numbers(N_ACCOUNTS),
        )
        camp0 = con.execute("select min(id) from outreach_campaign where team_id = ?", [team]).fetchone()[0]
        acc0 = con.execute("select min(id) from outreach_linkedinaccount where team_id = ?", [team]).fetchone()[0]
        insert(
            con,
            "crm_lead",
            {
                "team_id": str(team),
                "public_id": "'bench-' || i",
                "linkedin_url": "'https://www.linkedin.com/in/bench-' || i",
                "headline": "'Operations Manager'",
                "location": "'Berlin'",
                "country_code": "'de'",
                "profile": PROFILE,
                "connection_degree": "2 + i % 2",
                "disqualified": "0",
                "source_campaign_id": f"{camp0} + i % {N_CAMPAIGNS}",
                "discovered_at": ts(f"{DAYS} - i % {DAYS}"),
                "enriched_at": f"case when i % 5 <> 0 then {ts(f'{DAYS} - i % {DAYS} - 0.5')} end",
            },
            numbers(N_LEADS),
        )
        lead0 = con.execute("select min(id) from crm_lead where team_id = ?", [team]).fetchone()[0]
        # A deal for every third lead: pending, connected, completed, failed or new.
        insert(
            con,
            "crm_deal",
            {
                "team_id": str(team),
                "lead_id": f"{lead0} + i * 3",
                "campaign_id": f"{camp0} + (i * 3) % {N_CAMPAIGNS}",
                "stage": "case i % 5 when 0 then 'pending' when 1 then 'connected' when 2 then 'completed' "
                "when 3 then 'failed' else 'new' end",
                "created_at": ts(f"{DAYS} - (i * 3) % {DAYS} - 1"),
                "stage_changed_at": ts("3"),
                "updated_at": ts("3"),
                "next_step": "'{}'",
            },
            numbers(N_LEADS // 3 - 1),
        )
        n_deals = con.execute("select count(*) from crm_deal").fetchone()[0]
        # Stage events: every non-new deal was invited; connected/completed ones were accepted.
        for frm, to, days_after, where in [
            ("new", "pending", 2, "stage <> 'new'"),
            ("pending", "connected", 4, "stage in ('connected', 'completed')"),
        ]:
            insert(
                con,
                "crm_activity",
                {
                    "team_id": str(team),
                    "kind": "'stage'",
                    "result": "'ok'",
                    "lead_id": "lead_id",
                    "campaign_id": "campaign_id",
                    "account_id": f"{acc0} + id % {N_ACCOUNTS}",
                    "data": f"json_object('from', '{frm}', 'to', '{to}')",
                    "created_at": ts(f"{DAYS} - (lead_id % {DAYS}) - {days_after}"),
                    "detail": "''",
                },
                f"from crm_deal where {where}",
            )
        n_stage = con.execute("select count(*) from crm_activity").fetchone()[0]
        insert(
            con,
            "crm_activity",
            {
                "team_id": str(team),
                "kind": "case i % 7 when 0 then 'connect' when 1 then 'message' when 2 then 'scrape' "
                "when 3 then 'search' "
                "when 4 then 'status' when 5 then 'read' else 'login' end",
                "result": "case when i % 23 = 0 then 'failed' else 'ok' end",
                "lead_id": f"{lead0} + i % {N_LEADS}",
                "account_id": f"{acc0} + i % {N_ACCOUNTS}",
                "campaign_id": f"{camp0} + i % {N_CAMPAIGNS}",
                "data": "'{}'",
                "detail": "''",
                "created_at": ts(f"(i % {DAYS * 24}) / 24.0"),
            },
            numbers(N_ACTIVITIES - n_stage),
        )
        insert(
            con,
            "crm_message",
            {
                "team_id": str(team),
                "lead_id": "lead_id",
                "campaign_id": "campaign_id",
                "text": "'Hello'",
                "direction": "'out'",
                "status": "'sent'",
                "created_at": ts("2"),
                "sent_at": ts("2"),
            },
            "from crm_deal where stage in ('connected', 'completed')",
        )
        insert(
            con,
            "crm_message",
            {
                "team_id": str(team),
                "lead_id": "lead_id",
                "campaign_id": "campaign_id",
                "text": "'Thanks!'",
                "direction": "'in'",
                "status": "'received'",
                "created_at": ts("1"),
            },
            "from crm_deal where stage = 'completed'",
        )
        insert(
            con,
            "qualifier_label",
            {
                "campaign_id": "campaign_id",
                "lead_id": "lead_id",
                "qualified": "1",
                "source": "case id % 3 when 0 then 'auto' when 1 then 'llm' else 'human' end",
                "created_at": "created_at",
                "updated_at": "created_at",
                "reason": "''",
            },
            "from crm_deal",
        )
    counts = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("crm_lead", "crm_activity", "crm_deal")
    }
    con.close()
    counts["deals"] = n_deals
    return counts


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started, proc.stdout


def run() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-analytics-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATA_DIR=str(scratch),
        FIELD_ENCRYPTION_KEY=os.environ.get("FIELD_ENCRYPTION_KEY") or "q1Xc3c7sJ2lQ2Jc2oYpZ9d9J8Sx0Xx8U5l8m3oVb0wE=",
        DEBUG="true",
    )
    try:
        manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        counts = fill(scratch / "outreach.sqlite3")
        print(
            f"analytics: generated {counts['crm_lead']:,} leads, {counts['crm_activity']:,} activities, "
            f"{counts['crm_deal']:,} deals in {time.perf_counter() - started:.1f} s (bulk SQL)"
        )
        for label, args in [
            ("dbt run (cold: parse + extension install)", ()),
            ("dbt run (warm)", ()),
            ("dbt build (run + schema tests)", ("--test",)),
        ]:
            wall, out = manage(env, "analytics_build", *args)
            inner = re.search(r"in ([\d.]+) s", out)
            print(f"analytics: {label}: {float(inner.group(1)) if inner else wall:.2f} s dbt, {wall:.2f} s wall")
        results = json.loads((scratch / "analytics-dbt" / "target" / "run_results.json").read_text())
        slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:4]
        print(
            "analytics: slowest nodes: "
            + ", ".join(f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.2f} s" for r in slowest)
        )
        import duckdb

        con = duckdb.connect(str(scratch / "analytics.duckdb"), read_only=True)
        for mart in ("campaign_funnel", "account_activity", "ml_connection_accepted", "qualifier_daily"):
            print(f"analytics: {mart}: {con.execute(f'select count(*) from {mart}').fetchone()[0]:,} rows")
        con.close()
        print(f"analytics: output size {(scratch / 'analytics.duckdb').stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    run()
