-- CRM customers that passed validation: one row per customer_id, the latest
-- version of the record, every field normalized (emails lowercased, phones
-- in E.164, names cleaned, countries as ISO codes, timestamps in UTC).
-- Invalid fields are null and named in `dq_flags`.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('crm.customers', ref('base_crm__customers')) }}") }}

with

base as (
    select * from {{ ref('base_crm__customers') }}
),

final as (
    select
        -- keys
        normalized_customer_id as customer_id,
        raw_row_id,
        -- person
        normalized_first_name as first_name,
        normalized_last_name as last_name,
        normalized_date_of_birth as date_of_birth,
        normalized_gender as gender,
        -- contact
        normalized_email as email,
        normalized_phone_e164 as phone_e164,
        -- address
        normalized_street_number as street_number,
        normalized_address_line_1 as address_line_1,
        normalized_address_line_2 as address_line_2,
        normalized_city as city,
        normalized_postcode as postcode,
        normalized_state as state,
        normalized_country_code as country_code,
        -- programme
        normalized_loyalty_id as loyalty_id,
        -- dates
        normalized_created_at as created_at,
        normalized_updated_at as updated_at,
        -- quality
        dq_flags
    from base
    where rejection_reason is null
)

select * from final
