-- When each deal first reached each step of the outreach, from stage events and messages.
-- invited: first move to PENDING (or, with no event recorded, the current PENDING stage's start);
-- accepted: first move to CONNECTED after an invitation; messaged: first sent outbound message;
-- replied: first inbound message.
with stage_events as (
    select
        lead_id,
        campaign_id,
        min(created_at) filter (where stage_to = 'pending') as first_pending_at,
        min(created_at) filter (where stage_to = 'connected') as first_connected_at
    from {{ ref('stg_activities') }}
    where kind = 'stage' and lead_id is not null and campaign_id is not null
    group by lead_id, campaign_id
),

messages as (
    select
        lead_id,
        campaign_id,
        min(message_at) filter (where direction = 'out' and status = 'sent') as first_sent_at,
        min(message_at) filter (where direction = 'in') as first_reply_at
    from {{ ref('stg_messages') }}
    where campaign_id is not null
    group by lead_id, campaign_id
),

joined as (
    select
        d.deal_id,
        d.team_id,
        d.lead_id,
        d.campaign_id,
        d.stage,
        d.created_at as qualified_at,
        coalesce(
            e.first_pending_at,
            case when d.stage = 'pending' then d.stage_changed_at end
        ) as invited_at,
        e.first_connected_at,
        m.first_sent_at,
        m.first_reply_at
    from {{ ref('stg_deals') }} as d
    left join stage_events as e on e.lead_id = d.lead_id and e.campaign_id = d.campaign_id
    left join messages as m on m.lead_id = d.lead_id and m.campaign_id = d.campaign_id
)

select
    deal_id,
    team_id,
    lead_id,
    campaign_id,
    stage,
    qualified_at,
    invited_at,
    case when invited_at is not null and first_connected_at >= invited_at then first_connected_at end as accepted_at,
    first_sent_at as messaged_at,
    first_reply_at as replied_at
from joined
