-- Training set: did an invited lead accept the connection request?
-- One row per invitation (a deal that reached PENDING). target = 1 when the deal is CONNECTED or
-- COMPLETED; 0 when it is still PENDING after its campaign's back-off window
-- (check_pending_after_hours since the invitation). Deals still inside the window, never invited
-- (NEW: only discovered / enriched / qualified) or FAILED are left out.
with invited as (
    select
        m.deal_id,
        m.team_id,
        m.lead_id,
        m.campaign_id,
        m.stage,
        m.invited_at,
        case
            when m.stage in ('connected', 'completed') then 1
            when m.stage = 'pending'
                and m.invited_at + to_hours(c.check_pending_after_hours) <= current_timestamp::timestamp then 0
        end as target
    from {{ ref('int_deal_milestones') }} as m
    inner join {{ ref('stg_campaigns') }} as c on c.campaign_id = m.campaign_id
    where m.invited_at is not null and m.stage in ('pending', 'connected', 'completed')
),

positions as (
    select
        lead_id,
        count(*) as n_positions,
        count(*) filter (where is_current) as n_current_positions,
        count(distinct nullif(lower(trim(company_name)), '')) as n_companies,
        coalesce(sum(duration_months), 0) as total_position_months,
        coalesce(round(avg(duration_months), 2), 0) as avg_position_months,
        coalesce(max(duration_months), 0) as max_position_months,
        coalesce(max(duration_months) filter (where is_current), 0) as current_tenure_months,
        coalesce(date_diff('year', min(start_date), current_date), 0) as career_years,
        arg_min(title, position_index) filter (where is_current) as current_title,
        arg_min(title, position_index) as first_listed_title,
        string_agg(
            concat_ws(' ', nullif(title, ''), 'at ' || nullif(company_name, ''), nullif(description, '')),
            ' ; ' order by position_index
        ) as positions_text
    from {{ ref('stg_lead_positions') }}
    where lead_id in (select lead_id from invited)
    group by lead_id
),

educations as (
    select
        lead_id,
        count(*) as n_educations,
        max(case when regexp_matches(lower(degree), '\b(bachelor|bsc|b\.sc|ba|b\.a\.|bs|beng|b\.eng|bba)\b') then 1 else 0 end) as has_bachelor,
        max(case when regexp_matches(lower(degree), '\b(master|msc|m\.sc|ma|m\.a\.|ms|meng|m\.eng|mba)\b') then 1 else 0 end) as has_master,
        max(case when regexp_matches(lower(degree), '\b(phd|ph\.d|doctor|doctorate|dphil)\b') then 1 else 0 end) as has_phd,
        coalesce(sum(date_diff('year', start_date, end_date)) filter (where end_date >= start_date), 0) as education_years,
        date_diff('year', max(end_date), current_date) as years_since_graduation,
        string_agg(
            concat_ws(' ', nullif(degree, ''), nullif(field_of_study, ''), 'at ' || nullif(school_name, '')),
            ' ; ' order by education_index
        ) as educations_text
    from {{ ref('stg_lead_educations') }}
    where lead_id in (select lead_id from invited)
    group by lead_id
),

leads as (
    select
        l.*,
        lower(concat_ws(' ', l.headline, coalesce(p.current_title, p.first_listed_title))) as title_text,
        array_to_string(
            list_transform(
                cast(l.skills as json[]),
                s -> case when json_type(s) = 'VARCHAR' then s ->> '$' else coalesce(s ->> '$.name', '') end
            ),
            ', '
        ) as skills_text
    from {{ ref('stg_leads') }} as l
    left join positions as p on p.lead_id = l.lead_id
    where l.lead_id in (select lead_id from invited)
)

select
    i.deal_id,
    i.team_id,
    i.lead_id,
    i.campaign_id,
    i.stage,
    i.invited_at,
    i.target,
    -- profile basics
    l.connection_degree,
    case when trim(l.headline) = '' then 0 else len(regexp_split_to_array(trim(l.headline), '\s+')) end as headline_words,
    length(l.summary) as summary_chars,
    json_array_length(l.skills) as n_skills,
    -- positions
    coalesce(p.n_positions, 0) as n_positions,
    coalesce(p.n_current_positions, 0) as n_current_positions,
    coalesce(p.n_companies, 0) as n_companies,
    coalesce(p.total_position_months, 0) as total_position_months,
    coalesce(p.avg_position_months, 0) as avg_position_months,
    coalesce(p.max_position_months, 0) as max_position_months,
    coalesce(p.current_tenure_months, 0) as current_tenure_months,
    coalesce(p.career_years, 0) as career_years,
    -- educations
    coalesce(e.n_educations, 0) as n_educations,
    coalesce(e.has_bachelor, 0) as has_bachelor,
    coalesce(e.has_master, 0) as has_master,
    coalesce(e.has_phd, 0) as has_phd,
    coalesce(e.education_years, 0) as education_years,
    e.years_since_graduation,
    -- seniority and title keywords (headline + current title)
    case
        when regexp_matches(l.title_text, '\b(ceo|cto|cfo|coo|cmo|chief|founder|co-founder|cofounder|owner|president|partner)\b') then 5
        when regexp_matches(l.title_text, '\b(vp|vice president|director|head)\b') then 4
        when regexp_matches(l.title_text, '\b(manager|lead|principal|senior|sr|staff)\b') then 3
        when regexp_matches(l.title_text, '\b(junior|jr|intern|trainee|assistant|graduate|student)\b') then 1
        else 2
    end as seniority_level,
    regexp_matches(l.title_text, '\b(founder|co-founder|cofounder|owner)\b')::integer as is_founder,
    regexp_matches(l.title_text, '\b(ceo|cto|cfo|coo|cmo|chief)\b')::integer as is_c_level,
    regexp_matches(l.title_text, '\b(manager|head|director|vp|vice president)\b')::integer as is_manager,
    regexp_matches(l.title_text, '\b(senior|sr|principal|lead|staff)\b')::integer as is_senior,
    regexp_matches(l.title_text, '\b(engineer|engineering|developer|software|data|devops|architect|scientist)\b')::integer as is_technical,
    regexp_matches(l.title_text, '\b(sales|marketing|business development|growth|account executive)\b')::integer as is_sales_marketing,
    -- everything a text model might read
    l.industry,
    l.geo_name,
    l.geo_country,
    concat_ws(
        ' | ',
        nullif(l.headline, ''),
        nullif(l.summary, ''),
        l.industry,
        l.geo_name,
        p.positions_text,
        e.educations_text,
        nullif(l.skills_text, '')
    ) as profile_text
from invited as i
inner join leads as l on l.lead_id = i.lead_id
left join positions as p on p.lead_id = i.lead_id
left join educations as e on e.lead_id = i.lead_id
where i.target is not null
