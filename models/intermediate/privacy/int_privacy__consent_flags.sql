-- Consent per profile and purpose as flags, for the marts and exports: the
-- profile's latest decision (int_privacy__profile_consent), or var
-- `consent_default_granted` for a purpose it never decided on (false by
-- default: no export without a recorded opt-in).
-- Grain: one row per profile_id.
{%- set defaults = var('consent_default_granted') %}
with

profiles as (
    select * from {{ ref('int_customer__unified_profiles') }}
),

consent as (
    select * from {{ ref('int_privacy__profile_consent') }}
),

final as (
    select
        profiles.profile_id,
        {%- for purpose, default in defaults.items() %}
        coalesce(
            {{ dbt.bool_or("consent.purpose = '" ~ purpose ~ "' and consent.is_granted") }},
            false
        ) or (
            {{ 'true' if default else 'false' }}
            and not coalesce({{ dbt.bool_or("consent.purpose = '" ~ purpose ~ "'") }}, false)
        ) as has_{{ purpose }}_consent,
        {%- endfor %}
        max(consent.decided_at) as consent_updated_at
    from profiles
    left join consent
        on profiles.profile_id = consent.profile_id
    group by profiles.profile_id
)

select * from final
