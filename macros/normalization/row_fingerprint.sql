{#-
    A stable key for a raw row: the md5 of all its columns, each written as
    its length in characters, ':' and its text, or as 'N' when null. That
    encoding can be read back column by column, so two rows get the same
    fingerprint only when every column is equal (up to an md5 collision),
    whatever the text holds: null and the text '<null>' differ, and so do
    ('a|b', 'c') and ('a', 'b|c'). On distinct raw rows it is a primary key,
    and it breaks ties deterministically.
-#}
{% macro row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set text = "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
        {%- do parts.append(
            "coalesce(cast(" ~ dbt.length(text) ~ " as " ~ dbt.type_string() ~ ") || ':' || "
            ~ text ~ ", 'N')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#-
    The body of a `distinct_rows` CTE: one row per distinct raw row of
    `relation`, with its fingerprint as `raw_row_id` and the number of
    identical copies delivered as `raw_copies`. Exact duplicates are an export
    artefact; counting them is what lets the conservation tests prove that
    nothing was lost.
-#}
{% macro collapse_exact_duplicates(relation, columns) -%}
    select
        {{ row_fingerprint(columns) }} as raw_row_id,
        {{ columns | join(',\n        ') }},
        count(*) as raw_copies
    from {{ relation }}
    group by {{ columns | join(', ') }}
{%- endmacro %}


{#- True when a parsed timestamp lies outside [min_plausible_timestamp, max_plausible_timestamp). -#}
{% macro is_implausible_timestamp(expr) -%}
    ({{ expr }} < cast('{{ var("min_plausible_timestamp") }}' as timestamp)
        or {{ expr }} >= cast('{{ var("max_plausible_timestamp") }}' as timestamp))
{%- endmacro %}
