-- Profiles under an erasure request: nothing after identity resolution may
-- hold them (int_privacy__profile_map leaves them out, and the tables that
-- keep history across builds drop them on the next build).
-- Grain: one row per profile_id.
with

matches as (
    select * from {{ ref('int_privacy__erasure_matches') }}
),

final as (
    select
        profile_id,
        count(*) as erasure_requests,
        min(requested_at) as first_requested_at
    from matches
    where profile_id is not null
    group by profile_id
)

select * from final
