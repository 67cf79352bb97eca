-- How much every two segments share, as of the as-of date: members of each,
-- members of both, and the Jaccard index (both / either). Every ordered pair
-- is listed, the diagonal included (a segment with itself: Jaccard 1), so a
-- BI heat map needs no self-join. Segments, not variants: a profile counts
-- once per segment whatever its variants.
-- Grain: one row per (segment_id, other_segment_id), for segments with members.
with

membership as (
    select * from {{ ref('fct_segment_membership') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

members as (
    select distinct
        profile_id,
        segment_id
    from membership
),

sizes as (
    select
        segment_id,
        count(*) as members
    from members
    group by segment_id
),

shared as (
    select
        members.segment_id,
        other.segment_id as other_segment_id,
        count(*) as shared_members
    from members
    inner join members as other
        on members.profile_id = other.profile_id
    group by members.segment_id, other.segment_id
),

final as (
    select
        as_of.as_of_date,
        sizes.segment_id,
        other_sizes.segment_id as other_segment_id,
        cast(sizes.members as {{ dbt.type_bigint() }}) as members,
        cast(other_sizes.members as {{ dbt.type_bigint() }}) as other_members,
        cast(coalesce(shared.shared_members, 0) as {{ dbt.type_bigint() }}) as shared_members,
        cast(coalesce(shared.shared_members, 0) as {{ type_double() }})
        / (sizes.members + other_sizes.members - coalesce(shared.shared_members, 0)) as jaccard
    from sizes
    cross join sizes as other_sizes
    cross join as_of
    left join shared
        on sizes.segment_id = shared.segment_id
            and other_sizes.segment_id = shared.other_segment_id
)

select * from final
