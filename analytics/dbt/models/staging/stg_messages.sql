select
    id as message_id,
    team_id,
    lead_id,
    campaign_id,
    account_id,
    direction,
    status,
    cast(created_at as timestamp) as created_at,
    cast(sent_at as timestamp) as sent_at,
    cast(coalesce(sent_at, created_at) as timestamp) as message_at
from {{ source('app', 'crm_message') }}
