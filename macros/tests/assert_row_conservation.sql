{#-
    Nothing is lost in staging: every raw row is either staged, quarantined,
    or an exact copy of another raw row. Returns one row (the counts) when
    the equation does not hold, none when it does. Used by the singular tests
    in tests/staging/.
-#}
{% macro assert_row_conservation(raw, staged, rejected) %}

with

raw_rows as (
    select count(*) as row_count from {{ raw }}
),

distinct_raw_rows as (
    {{ distinct_row_count(raw) }}
),

staged_rows as (
    select count(*) as row_count from {{ staged }}
),

rejected_rows as (
    select count(*) as row_count from {{ rejected }}
),

counts as (
    select
        raw_rows.row_count as raw_rows,
        staged_rows.row_count as staged_rows,
        rejected_rows.row_count as rejected_rows,
        raw_rows.row_count - distinct_raw_rows.row_count as exact_duplicates_removed
    from raw_rows
    cross join distinct_raw_rows
    cross join staged_rows
    cross join rejected_rows
)

select *
from counts
where raw_rows <> staged_rows + rejected_rows + exact_duplicates_removed

{% endmacro %}


{#-
    The number of distinct rows of a relation, as a one-row query with the
    column `row_count`. By default exactly: `select distinct *`.
-#}
{% macro distinct_row_count(relation) %}
    {{- return(adapter.dispatch('distinct_row_count', 'open_segments')(relation)) -}}
{% endmacro %}

{% macro default__distinct_row_count(relation) -%}
    select count(*) as row_count from (select distinct * from {{ relation }}) as distinct_rows
{%- endmacro %}

{#-
    DuckDB counts distinct 64-bit hashes of whole rows (`hash` of the row as
    a struct: every column, nulls by position): a hash table of integers
    instead of one of every column, which is what a distinct count over wide
    raw rows spends its time and memory on. Equal rows hash alike, so a hash
    collision can only make the count too small: the test then fails
    (about 2 chances in 100,000 at 25M distinct rows), it never passes a
    lost row.
-#}
{% macro duckdb__distinct_row_count(relation) -%}
    select count(distinct hash(raw_rows)) as row_count from {{ relation }} as raw_rows
{%- endmacro %}
