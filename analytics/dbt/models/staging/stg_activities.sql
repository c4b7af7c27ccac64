{{ config(materialized="table") }}  -- scanned once from the app database, read by several marts
-- Every recorded action. Stage changes (kind = 'stage') carry {"from": ..., "to": ...} in data.
with src as (
    select
        id as activity_id,
        team_id,
        kind,
        result,
        lead_id,
        campaign_id,
        account_id,
        cast(created_at as timestamp) as created_at,
        case when kind = 'stage' and json_valid(cast(data as varchar)) then cast(cast(data as varchar) as json) end as data
    from {{ source('app', 'crm_activity') }}
)

select
    activity_id,
    team_id,
    kind,
    result,
    lead_id,
    campaign_id,
    account_id,
    created_at,
    cast(created_at as date) as activity_date,
    data ->> '$.from' as stage_from,
    data ->> '$.to' as stage_to
from src
