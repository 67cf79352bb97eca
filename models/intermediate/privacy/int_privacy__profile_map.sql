-- The identity map without the profiles under an erasure request: which
-- profile every record belongs to, for every model after identity
-- resolution. Features, segments, ML and marts read this, never
-- int_identity__profile_map, so an erased person leaves all of them on the
-- next build while identity resolution keeps its stable ids.
-- A view: each reader's anti-join against the few erased profiles is cheap,
-- where a table would put a write of every record between the identity map
-- and the unified profile.
-- Grain: one row per record.
{{ config(materialized='view') }}
with

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

erased as (
    select * from {{ ref('int_privacy__erased_profiles') }}
),

final as (
    select
        profile_map.record_id,
        profile_map.record_source,
        profile_map.record_key,
        profile_map.profile_id
    from profile_map
    left join erased
        on profile_map.profile_id = erased.profile_id
    where erased.profile_id is null
)

select * from final
