-- The pseudonymous customer key of every profile: a keyed hash (macro
-- pseudonymous_key) of the profile id with the secret salt, so the key that
-- marts and exports carry cannot be derived from the profile id, nor the
-- profile id from the key, without the salt. Erased profiles are absent.
-- Grain: one row per profile_id.
{{ warn_if_demo_salt('int_privacy__customer_keys') }}
with

profiles as (
    select * from {{ ref('int_customer__unified_profiles') }}
),

salt as (
    select * from {{ ref('int_privacy__pseudonymisation_salt') }}
),

final as (
    select
        profiles.profile_id,
        {{ pseudonymous_key('salt.salt', 'profiles.profile_id') }} as customer_key
    from profiles
    cross join salt
)

select * from final
