-- Qualification decisions; a label's team is its campaign's team.
select
    l.id as label_id,
    c.team_id,
    l.campaign_id,
    l.lead_id,
    cast(l.qualified as boolean) as qualified,
    l.source,
    l.probability,
    cast(l.created_at as timestamp) as created_at,
    cast(l.created_at as date) as label_date
from {{ source('app', 'qualifier_label') }} as l
inner join {{ source('app', 'outreach_campaign') }} as c on c.id = l.campaign_id
