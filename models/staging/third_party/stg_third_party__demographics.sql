-- Third-party demographic records that passed validation: one row per
-- provider record (latest delivery), match keys normalized like the CRM's
-- (email, SHA-256 of email, E.164 phone, name, address), attributes typed.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('third_party.demographics', ref('base_third_party__demographics')) }}") }}

with

base as (
    select * from {{ ref('base_third_party__demographics') }}
),

final as (
    select
        -- keys
        normalized_provider_record_id as provider_record_id,
        raw_row_id,
        -- match keys
        normalized_email as email,
        normalized_email_sha256 as email_sha256,
        normalized_phone_e164 as phone_e164,
        normalized_first_name as first_name,
        normalized_last_name as last_name,
        normalized_date_of_birth as date_of_birth,
        normalized_street_address as street_address,
        normalized_city as city,
        normalized_postcode as postcode,
        normalized_state as state,
        normalized_country_code as country_code,
        -- attributes
        normalized_age as age,
        normalized_age_band as age_band,
        normalized_income_band as income_band,
        normalized_household_size as household_size,
        normalized_interests as interests,
        -- time
        normalized_delivered_at as delivered_at,
        -- quality
        dq_flags
    from base
    where rejection_reason is null
)

select * from final
