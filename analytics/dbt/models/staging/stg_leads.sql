{{ config(materialized="table") }}  -- parsed once: positions, educations and the marts all read it
-- One row per lead, with the parsed profile's JSON fields pulled out (industry, geo, arrays).
with src as (
    select
        id as lead_id,
        team_id,
        public_id,
        first_name,
        last_name,
        headline,
        location,
        country_code,
        connection_degree,
        cast(disqualified as boolean) as disqualified,
        source_campaign_id,
        cast(discovered_at as timestamp) as discovered_at,
        cast(enriched_at as timestamp) as enriched_at,
        case when json_valid(cast(profile as varchar)) then cast(cast(profile as varchar) as json) end as profile
    from {{ source('app', 'crm_lead') }}
)

select
    lead_id,
    team_id,
    public_id,
    trim(first_name || ' ' || last_name) as full_name,
    coalesce(nullif(headline, ''), profile ->> '$.headline', '') as headline,
    coalesce(profile ->> '$.summary', '') as summary,
    nullif(trim(coalesce(profile ->> '$.industry', profile ->> '$.industry_name', '')), '') as industry,
    nullif(trim(coalesce(nullif(location, ''), profile ->> '$.location', profile ->> '$.geo_name', '')), '') as geo_name,
    nullif(lower(coalesce(nullif(country_code, ''), profile ->> '$.country_code', '')), '') as geo_country,
    coalesce(connection_degree, try_cast(profile ->> '$.connection_degree' as integer)) as connection_degree,
    disqualified,
    source_campaign_id,
    discovered_at,
    enriched_at,
    enriched_at is not null as is_enriched,
    {{ json_array('profile', 'positions') }} as positions,
    {{ json_array('profile', 'educations') }} as educations,
    {{ json_array('profile', 'skills') }} as skills
from src
