-- Per campaign and day: qualification decisions by source (model, LLM, human) and the share the
-- model decided on its own, that day and to date. A label is dated by its first decision and
-- counted under its current source (a human override moves it to "human").
with daily as (
    select
        campaign_id,
        label_date as day,
        count(*) as labels,
        count(*) filter (where source = 'auto') as auto_labels,
        count(*) filter (where source = 'llm') as llm_labels,
        count(*) filter (where source = 'human') as human_labels,
        count(*) filter (where qualified) as qualified,
        count(*) filter (where not qualified) as disqualified
    from {{ ref('stg_labels') }}
    group by campaign_id, label_date
),

running as (
    select
        *,
        {{ running_totals(['labels', 'auto_labels', 'llm_labels', 'human_labels']) }}
    from daily
)

select
    cast(r.campaign_id as varchar) || ':' || strftime(r.day, '%Y-%m-%d') as qualifier_day_key,
    c.team_id,
    r.campaign_id,
    c.campaign_name,
    r.day,
    r.labels,
    r.auto_labels,
    r.llm_labels,
    r.human_labels,
    r.qualified,
    r.disqualified,
    r.labels_to_date,
    r.auto_labels_to_date,
    r.llm_labels_to_date,
    r.human_labels_to_date,
    round(r.auto_labels / r.labels, 4) as auto_share,
    round(r.auto_labels_to_date / r.labels_to_date, 4) as auto_share_to_date
from running as r
inner join {{ ref('stg_campaigns') }} as c on c.campaign_id = r.campaign_id
