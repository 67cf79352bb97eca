-- Which raw sources this build has: per source table that staging
-- validates (stg_quarantine_summary), the rows delivered and staged. A
-- source is present when at least one of its rows was staged: a table that
-- was not delivered, delivered empty, or delivered and wholly quarantined
-- gives nothing downstream to read, and `raw_rows` tells the last case
-- apart. Presence is about the build, not the as-of date: rows that all lie
-- after it still make the source present.
-- Segments declare the sources they need (`requires` and `uses_if_present`
-- in their YAML entry's config.meta.segment); dim_segments says which segments these cannot
-- compute, and a rule with a documented fallback (seg_frequent_buyers on
-- orders alone without web events) reads it.
-- Grain: one row per source table ('crm.orders', 'web.events', ...).
with

quarantine_summary as (
    select * from {{ ref('stg_quarantine_summary') }}
),

final as (
    select
        source_table,
        raw_rows,
        staged_rows,
        coalesce(staged_rows, 0) > 0 as is_present
    from quarantine_summary
)

select * from final
