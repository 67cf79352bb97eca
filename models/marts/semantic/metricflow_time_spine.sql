-- One row per day, the time spine MetricFlow joins metrics to (so a day with
-- no build still has a row). Spans var `time_spine_start` to
-- `time_spine_end`.
-- Grain: one row per date_day.
{{ config(meta={
    'windows_without_partition': 'dbt.date_spine numbers the days of the span in one window; '
        ~ 'the days do not grow with customers',
}) }}

with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('time_spine_start') ~ "' as date)",
        "cast('" ~ var('time_spine_end') ~ "' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
