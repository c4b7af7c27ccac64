-- Per LinkedIn account and day: actions by kind (successful ones; failures counted apart) next to
-- the account's limits. Stage changes are bookkeeping, not LinkedIn actions, and are left out.
with daily as (
    select
        account_id,
        activity_date as day,
        count(*) filter (where kind = 'connect' and result = 'ok') as connects,
        count(*) filter (where kind = 'message' and result = 'ok') as messages,
        count(*) filter (where kind = 'scrape' and result = 'ok') as scrapes,
        count(*) filter (where kind = 'search' and result = 'ok') as searches,
        count(*) filter (where kind = 'status' and result = 'ok') as status_checks,
        count(*) filter (where kind = 'read' and result = 'ok') as reads,
        count(*) filter (where kind = 'login' and result = 'ok') as logins,
        count(*) filter (
            where kind not in ('connect', 'message', 'scrape', 'search', 'status', 'read', 'login') and result = 'ok'
        ) as other_actions,
        count(*) filter (where result = 'failed') as failed,
        count(*) filter (where result = 'skipped') as skipped,
        count(*) as total_actions
    from {{ ref('stg_activities') }}
    where account_id is not null and kind <> 'stage'
    group by account_id, activity_date
),

rolling as (
    select
        *,
        sum(connects) over (
            partition by account_id order by day range between interval 6 days preceding and current row
        ) as connects_7d
    from daily
)

select
    cast(r.account_id as varchar) || ':' || strftime(r.day, '%Y-%m-%d') as account_day_key,
    a.team_id,
    r.account_id,
    a.username,
    r.day,
    r.connects,
    r.messages,
    r.scrapes,
    r.searches,
    r.status_checks,
    r.reads,
    r.logins,
    r.other_actions,
    r.failed,
    r.skipped,
    r.total_actions,
    a.connect_daily_limit,
    a.followup_daily_limit,
    a.connect_weekly_limit,
    cast(r.connects_7d as bigint) as connects_7d,
    round(r.connects / nullif(a.connect_daily_limit, 0), 4) as connect_limit_used,
    round(r.messages / nullif(a.followup_daily_limit, 0), 4) as followup_limit_used,
    round(r.connects_7d / nullif(a.connect_weekly_limit, 0), 4) as weekly_limit_used
from rolling as r
inner join {{ ref('stg_accounts') }} as a on a.account_id = r.account_id
