-- Every valid delivery of every third-party record, superseded ones
-- included: features as of a date read the latest delivery before it
-- (stg_third_party__demographics holds only the latest delivery of each).
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
        rejection_reason is null as is_latest_delivery,
        -- quality
        dq_flags
    from base
    where rejection_reason is null or rejection_reasons = 'superseded_version'
)

select * from final
