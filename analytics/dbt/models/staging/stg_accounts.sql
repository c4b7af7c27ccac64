select
    id as account_id,
    team_id,
    username,
    cast(active as boolean) as active,
    status,
    connect_daily_limit,
    connect_weekly_limit,
    followup_daily_limit
from {{ source('app', 'outreach_linkedinaccount') }}
