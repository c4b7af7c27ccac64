-- Per campaign and day: how many leads first reached each step that day, the running totals, and
-- the conversion rates to date. A lead counts once per step (its first time), so running totals
-- are distinct leads. discovered/enriched count the leads the campaign found (source campaign);
-- the later steps come from the campaign's deals (see int_deal_milestones).
with steps as (
    select source_campaign_id as campaign_id, cast(discovered_at as date) as day, 'discovered' as step
    from {{ ref('stg_leads') }}
    where source_campaign_id is not null
    union all
    select source_campaign_id, cast(enriched_at as date), 'enriched'
    from {{ ref('stg_leads') }}
    where source_campaign_id is not null and enriched_at is not null
    union all
    select campaign_id, cast(qualified_at as date), 'qualified' from {{ ref('int_deal_milestones') }}
    union all
    select campaign_id, cast(invited_at as date), 'invited' from {{ ref('int_deal_milestones') }}
    where invited_at is not null
    union all
    select campaign_id, cast(accepted_at as date), 'accepted' from {{ ref('int_deal_milestones') }}
    where accepted_at is not null
    union all
    select campaign_id, cast(messaged_at as date), 'messaged' from {{ ref('int_deal_milestones') }}
    where messaged_at is not null
    union all
    select campaign_id, cast(replied_at as date), 'replied' from {{ ref('int_deal_milestones') }}
    where replied_at is not null
),

{% set steps = ['discovered', 'enriched', 'qualified', 'invited', 'accepted', 'messaged', 'replied'] %}

daily as (
    select
        campaign_id,
        day,
        {%- for step in steps %}
        count(*) filter (where step = '{{ step }}') as {{ step }}{{ "," if not loop.last }}
        {%- endfor %}
    from steps
    group by campaign_id, day
),

running as (
    select
        *,
        {{ running_totals(steps) }}
    from daily
)

select
    cast(r.campaign_id as varchar) || ':' || strftime(r.day, '%Y-%m-%d') as funnel_key,
    c.team_id,
    r.campaign_id,
    c.campaign_name,
    r.day,
    {%- for step in steps %}
    r.{{ step }},
    {%- endfor %}
    {%- for step in steps %}
    r.{{ step }}_to_date,
    {%- endfor %}
    round(r.enriched_to_date / nullif(r.discovered_to_date, 0), 4) as enrich_rate,
    round(r.qualified_to_date / nullif(r.enriched_to_date, 0), 4) as qualify_rate,
    round(r.accepted_to_date / nullif(r.invited_to_date, 0), 4) as acceptance_rate,
    round(r.replied_to_date / nullif(r.messaged_to_date, 0), 4) as reply_rate
from running as r
inner join {{ ref('stg_campaigns') }} as c on c.campaign_id = r.campaign_id
