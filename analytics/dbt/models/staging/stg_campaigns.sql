select
    id as campaign_id,
    team_id,
    name as campaign_name,
    cast(active as boolean) as active,
    cast(is_partner as boolean) as is_partner,
    check_pending_after_hours,
    cast(created_at as timestamp) as created_at
from {{ source('app', 'outreach_campaign') }}
