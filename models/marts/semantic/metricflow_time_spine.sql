-- One row per day, the time spine MetricFlow joins metrics to (so a day with
-- no build still has a row). Spans var `time_spine_start` to
-- `time_spine_end`.
-- Grain: one row per date_day.
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
