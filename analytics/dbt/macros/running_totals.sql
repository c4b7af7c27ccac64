{# `<column>_to_date` for each column: its running sum per campaign, day by day. #}
{% macro running_totals(columns, partition_by='campaign_id') -%}
    {%- for column in columns %}
    cast(sum({{ column }}) over (
        partition by {{ partition_by }} order by day rows between unbounded preceding and current row
    ) as bigint) as {{ column }}_to_date{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
