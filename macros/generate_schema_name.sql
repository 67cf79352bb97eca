{#-
    Custom schemas are used as named (`staging`, `reference`, ...) instead of
    being prefixed with the target schema: a DuckDB file is one user's
    warehouse, and BI users look for `marts`, not `main_marts`. To keep
    developers apart on a shared warehouse, give each a target schema and set
    SEGMENTS_SCHEMA_PREFIX (e.g. 'dev_alice_'), which prefixes every schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = env_var('SEGMENTS_SCHEMA_PREFIX', '') -%}
    {#- the prefix becomes part of every schema name in the SQL -#}
    {%- if not modules.re.match('^[a-z0-9_]*$', prefix) -%}
        {{ exceptions.raise_compiler_error(
            "SEGMENTS_SCHEMA_PREFIX must be lowercase letters, digits and underscores (e.g. 'dev_alice_'), got '"
            ~ prefix ~ "'") }}
    {%- endif -%}
    {%- if custom_schema_name is none -%}
        {{ prefix ~ target.schema }}
    {%- else -%}
        {{ prefix ~ (custom_schema_name | trim) }}
    {%- endif -%}
{%- endmacro %}
