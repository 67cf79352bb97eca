{#-
    A stable key for a raw row: the md5 of all its columns, each written as
    its length in characters, ':' and its text, or as 'N' when null. That
    encoding can be read back column by column, so two rows get the same
    fingerprint only when every column is equal (up to an md5 collision),
    whatever the text holds: null and the text '<null>' differ, and so do
    ('a|b', 'c') and ('a', 'b|c'). On distinct raw rows it is a primary key,
    and it breaks ties deterministically. Every engine computes the same
    value: the cross-engine check compares raw_row_id.
-#}
{% macro row_fingerprint(columns) -%}
    {{- return(adapter.dispatch('row_fingerprint', 'open_segments')(columns)) -}}
{%- endmacro %}

{% macro default__row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set text = "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
        {%- do parts.append(
            "coalesce(cast(" ~ dbt.length(text) ~ " as " ~ dbt.type_string() ~ ") || ':' || "
            ~ text ~ ", 'N')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- The same text built by one `concat`, which skips nulls in DuckDB: one
    string per row instead of three per column (docs/measurements.md). -#}
{% macro duckdb__row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set text = "cast(" ~ column ~ " as varchar)" -%}
        {%- do parts.append(
            "coalesce(cast(length(" ~ text ~ ") as varchar), 'N'), case when " ~ column
            ~ " is not null then ':' end, " ~ text) -%}
    {%- endfor -%}
    md5(concat({{ parts | join(', ') }}))
{%- endmacro %}


{#-
    The body of a `distinct_rows` CTE: one row per distinct raw row of
    `relation`, with its fingerprint as `raw_row_id` and the number of
    identical copies delivered as `raw_copies`. Exact duplicates are an export
    artefact; counting them is what lets the conservation tests prove that
    nothing was lost. Pass a table or source as `relation`, not the name of a
    CTE: DuckDB's version reads it three times, and DuckDB holds a CTE that
    is read more than once whole in memory.

    By default every row is grouped by all its columns: on Spark a shuffle
    that spreads over the cluster and spills, with the source read once.
-#}
{% macro collapse_exact_duplicates(relation, columns) -%}
    {{- return(adapter.dispatch('collapse_exact_duplicates', 'open_segments')(relation, columns)) -}}
{%- endmacro %}

{% macro default__collapse_exact_duplicates(relation, columns) -%}
    select
        {{ row_fingerprint(columns) }} as raw_row_id,
        {{ columns | join(',\n        ') }},
        count(*) as raw_copies
    from {{ relation }}
    group by {{ columns | join(', ') }}
{%- endmacro %}

{#-
    DuckDB groups in one process, and a hash table of every wide row held
    the whole table in memory (docs/measurements.md). Copies are rare: only
    the rows whose 64-bit `hash` some other row shares are grouped column by
    column (a collision costs a little work, never a wrong row); every other
    row streams through as it is read. The hashed rows are spelled out in
    both branches rather than shared as a CTE, for the reason above. Raw
    columns are text (the raw contract's views); the cast says so to a
    unit-test fixture whose column is all nulls, which has no type.
-#}
{% macro duckdb__collapse_exact_duplicates(relation, columns) -%}
    {%- set hashed_rows -%}
        select
            hash({{ columns | join(', ') }}) as row_hash,
            {%- for column in columns %}
            cast({{ column }} as varchar) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ relation }}
    {%- endset -%}
    with copied_row_hashes as (
        select hash({{ columns | join(', ') }}) as row_hash
        from {{ relation }}
        group by hash({{ columns | join(', ') }})
        having count(*) > 1
    )

    select
        {{ row_fingerprint(columns) }} as raw_row_id,
        {{ columns | join(',\n        ') }},
        cast(1 as bigint) as raw_copies
    from ({{ hashed_rows }}
    ) as hashed
    left join copied_row_hashes
        on hashed.row_hash = copied_row_hashes.row_hash
    where copied_row_hashes.row_hash is null

    union all

    select
        {{ row_fingerprint(columns) }} as raw_row_id,
        {{ columns | join(',\n        ') }},
        count(*) as raw_copies
    from ({{ hashed_rows }}
    ) as hashed
    inner join copied_row_hashes
        on hashed.row_hash = copied_row_hashes.row_hash
    group by {{ columns | join(', ') }}
{%- endmacro %}


{#- True when a parsed timestamp lies outside [min_plausible_timestamp, max_plausible_timestamp). -#}
{% macro is_implausible_timestamp(expr) -%}
    ({{ expr }} < cast('{{ var("min_plausible_timestamp") }}' as timestamp)
        or {{ expr }} >= cast('{{ var("max_plausible_timestamp") }}' as timestamp))
{%- endmacro %}
