{# A LinkedIn date as the profile parser stores it: {"year": 2019, "month": 4}, "2019-04",
   "2019-04-01", "2019" or 2019. Missing month means January. Anything else is NULL. #}
{% macro json_date(expr) -%}
    case json_type({{ expr }})
        when 'OBJECT' then try(make_date(
            cast({{ expr }} ->> '$.year' as integer),
            coalesce(try_cast({{ expr }} ->> '$.month' as integer), 1),
            1))
        when 'VARCHAR' then try_cast(
            case length({{ expr }} ->> '$')
                when 4 then ({{ expr }} ->> '$') || '-01-01'
                when 7 then ({{ expr }} ->> '$') || '-01'
                else {{ expr }} ->> '$'
            end as date)
        when 'UBIGINT' then try(make_date(cast({{ expr }} ->> '$' as integer), 1, 1))
        when 'BIGINT' then try(make_date(cast({{ expr }} ->> '$' as integer), 1, 1))
    end
{%- endmacro %}

{# A JSON array field of a profile, or an empty array when it is missing or not an array. #}
{% macro json_array(profile, key) -%}
    case when json_type({{ profile }}, '$.{{ key }}') = 'ARRAY'
        then json_extract({{ profile }}, '$.{{ key }}') else '[]'::json end
{%- endmacro %}

{# Whole months from one date to another (NULL when either is missing). #}
{% macro months_between(start_date, end_date) -%}
    case when {{ start_date }} is not null and {{ end_date }} is not null
        then greatest(date_diff('month', {{ start_date }}, {{ end_date }}), 0) end
{%- endmacro %}
