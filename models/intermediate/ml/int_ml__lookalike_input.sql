-- The profiles a lookalike model learns from and scores: the behaviour that
-- clustering compares (int_ml__cluster_input), and whether the profile is in
-- the seed segment (var lookalike_seed_segment, any segment with a model
-- seg_<id>).
-- Grain: one row per profile_id.
with

cluster_input as (
    select * from {{ ref('int_ml__cluster_input') }}
),

seed as (
    select distinct profile_id from {{ ref('seg_' ~ var('lookalike_seed_segment')) }}
),

final as (
    select
        cluster_input.*,
        seed.profile_id is not null as is_seed
    from cluster_input
    left join seed on cluster_input.profile_id = seed.profile_id
)

select * from final
