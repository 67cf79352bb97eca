-- Advertising custom-audience file: the treatment arm of every activated
-- audience, for profiles that consent to `ads`, with identifiers normalized
-- and SHA-256 hashed as the ad platforms' customer-list uploads specify
-- (Meta custom-audience column names; see int_privacy__hashed_identifiers).
-- `extern_id` is the pseudonymous customer key, never an internal id. A
-- profile with neither an email nor a phone cannot be matched and is left out.
-- Upload one file per audience: `where audience = '...'`.
-- Grain: one row per (audience, extern_id).
with

targets as (
    select * from {{ ref('int_activation__targets') }}
),

final as (
    select
        audience,
        customer_key as extern_id,
        email_sha256 as email,
        phone_sha256 as phone,
        first_name_sha256 as fn,
        last_name_sha256 as ln,
        city_sha256 as ct,
        state_sha256 as st,
        postcode_sha256 as zip,
        country_sha256 as country,
        date_of_birth_sha256 as dob,
        gender_sha256 as gen,
        as_of_date
    from targets
    where has_ads_consent
        and (email_sha256 is not null or phone_sha256 is not null)
)

select * from final
