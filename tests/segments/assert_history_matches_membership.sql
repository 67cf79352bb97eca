-- The open stretches of the membership history are exactly the current
-- membership: nobody is missing from the history, nobody lingers in it.
with

membership as (
    select
        profile_id,
        segment_id,
        coalesce(segment_variant, '') as segment_variant
    from {{ ref('fct_segment_membership') }}
),

open_stretches as (
    select
        profile_id,
        segment_id,
        coalesce(segment_variant, '') as segment_variant
    from {{ ref('fct_segment_membership_history') }}
    where valid_to is null
),

missing as (
    select * from membership
    {{ dbt.except() }}
    select * from open_stretches
),

lingering as (
    select * from open_stretches
    {{ dbt.except() }}
    select * from membership
)

select
    'missing from history' as problem,
    missing.*
from missing
union all
select
    'in history, not a member' as problem,
    lingering.*
from lingering
