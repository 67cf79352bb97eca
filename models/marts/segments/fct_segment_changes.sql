-- Entries into and exits from segments, one row per change, from the
-- membership history: who entered or left which segment on which as-of
-- date. Entries and exits between D1 and D2:
--   changed_on between D1 and D2
-- The first build records every member as entering on its as-of date.
-- Grain: one row per (profile_id, segment_id, segment_variant, change_type, changed_on).
with

history as (
    select * from {{ ref('fct_segment_membership_history') }}
),

final as (
    select
        profile_id,
        segment_id,
        segment_variant,
        'entered' as change_type,
        valid_from as changed_on
    from history
    union all
    select
        profile_id,
        segment_id,
        segment_variant,
        'exited' as change_type,
        valid_to as changed_on
    from history
    where valid_to is not null
)

select * from final
