-- Profiles and components correspond one to one: a component never holds
-- two profile ids, and a profile id never spans two components.
with

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

split_components as (
    select
        component_id as key_value,
        'component with several profiles' as problem
    from profile_map
    group by component_id
    having count(distinct profile_id) > 1
),

shared_profiles as (
    select
        profile_id,
        'profile spanning several components' as problem
    from profile_map
    group by profile_id
    having count(distinct component_id) > 1
)

select * from split_components
union all
select * from shared_profiles
