-- A rule segment whose required sources this build lacks (dim_segments:
-- is_computable false) has no members: its required source feeds every
-- condition of its rule. A member here means the registry's `requires`
-- understates what the rule needs to be judged.
with

segments as (
    select * from {{ ref('dim_segments') }}
),

membership as (
    select * from {{ ref('fct_segment_membership') }}
),

final as (
    select
        segments.segment_id,
        segments.missing_sources,
        count(*) as members
    from segments
    inner join membership
        on segments.segment_id = membership.segment_id
    where
        segments.segment_kind = 'rule'
        and not segments.is_computable
    group by segments.segment_id, segments.missing_sources
)

select * from final
