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
        sum(labels) over w as labels_to_date,
        sum(auto_labels) over w as auto_labels_to_date,
        sum(llm_labels) over w as llm_labels_to_date,
        sum(human_labels) over w as human_labels_to_date
    from daily
    window w as (partition by campaign_id order by day rows between unbounded preceding and current row)
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
    cast(r.labels_to_date as bigint) as labels_to_date,
    cast(r.auto_labels_to_date as bigint) as auto_labels_to_date,
    cast(r.llm_labels_to_date as bigint) as llm_labels_to_date,
    cast(r.human_labels_to_date as bigint) as human_labels_to_date,
    round(r.auto_labels / r.labels, 4) as auto_share,
    round(r.auto_labels_to_date / r.labels_to_date, 4) as auto_share_to_date
from running as r
inner join {{ ref('stg_campaigns') }} as c on c.campaign_id = r.campaign_id
