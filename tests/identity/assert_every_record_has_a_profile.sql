-- Nothing is lost: every identity record is in the profile map exactly once,
-- and every profile of the map is in the unified profile with the same
-- number of linked records, unless it is under an erasure request.
with

records as (
    select record_id from {{ ref('int_identity__records') }}
),

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

profiles as (
    select * from {{ ref('int_customer__unified_profiles') }}
),

erased as (
    select * from {{ ref('int_privacy__erased_profiles') }}
),

mapped as (
    select
        profile_id,
        count(*) as records_in_map
    from profile_map
    group by profile_id
)

select
    records.record_id,
    'record without a profile' as problem
from records
left join profile_map
    on records.record_id = profile_map.record_id
where profile_map.record_id is null
union all
select
    mapped.profile_id,
    'profile missing or with other linked_records' as problem
from mapped
left join profiles
    on mapped.profile_id = profiles.profile_id
left join erased
    on mapped.profile_id = erased.profile_id
where erased.profile_id is null
    and (
        profiles.profile_id is null
        or profiles.linked_records <> mapped.records_in_map
    )
