{# Staging views go to schema `staging`, marts to `main`: no `<target>_` prefix. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
