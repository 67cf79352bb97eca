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
    select count(*) as row_count from (select distinct * from {{ raw }}) as distinct_rows
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
