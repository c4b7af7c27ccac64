select
    id as deal_id,
    team_id,
    lead_id,
    campaign_id,
    stage,
    score,
    cast(created_at as timestamp) as created_at,
    cast(stage_changed_at as timestamp) as stage_changed_at,
    cast(next_action_at as timestamp) as next_action_at,
    failure_reason
from {{ source('app', 'crm_deal') }}
