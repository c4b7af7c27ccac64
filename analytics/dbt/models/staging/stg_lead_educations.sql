-- One row per education entry on a lead's profile.
with exploded as (
    select
        lead_id,
        team_id,
        unnest(cast(educations as json[])) as edu,
        generate_subscripts(cast(educations as json[]), 1) as education_index
    from {{ ref('stg_leads') }}
)

select
    lead_id,
    team_id,
    education_index,
    coalesce(edu ->> '$.school_name', edu ->> '$.schoolName', '') as school_name,
    coalesce(edu ->> '$.degree', edu ->> '$.degree_name', edu ->> '$.degreeName', '') as degree,
    coalesce(edu ->> '$.field_of_study', edu ->> '$.fieldOfStudy', '') as field_of_study,
    {{ json_date("edu -> '$.start'") }} as start_date,
    {{ json_date("edu -> '$.end'") }} as end_date
from exploded
