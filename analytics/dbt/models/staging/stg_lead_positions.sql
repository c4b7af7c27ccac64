-- One row per position on a lead's profile (position_index 1 = the first listed, usually current).
with exploded as (
    select
        lead_id,
        team_id,
        unnest(cast(positions as json[])) as pos,
        generate_subscripts(cast(positions as json[]), 1) as position_index
    from {{ ref('stg_leads') }}
),

parsed as (
    select
        lead_id,
        team_id,
        position_index,
        coalesce(pos ->> '$.title', '') as title,
        coalesce(pos ->> '$.company_name', pos ->> '$.companyName', '') as company_name,
        coalesce(pos ->> '$.description', '') as description,
        {{ json_date("pos -> '$.start'") }} as start_date,
        {{ json_date("pos -> '$.end'") }} as end_date
    from exploded
)

select
    *,
    end_date is null as is_current,
    {{ months_between('start_date', 'coalesce(end_date, current_date)') }} as duration_months
from parsed
