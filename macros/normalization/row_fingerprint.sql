{#-
    A stable key for a raw row: the hash of all its columns, with nulls and
    the separator kept distinct from any text value. Two rows get the same
    fingerprint only when every column is equal, so on distinct raw rows it
    is a primary key, and it breaks ties deterministically.
-#}
{% macro row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}
            {%- do parts.append("'|#|'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
