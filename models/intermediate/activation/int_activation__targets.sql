-- Who each audience targets, before each destination applies its purpose's
-- consent: the treatment arm of every activated audience, with the
-- profile's consent flags, its hashed identifiers and the segment context
-- the destinations send along. The export models only choose columns and
-- the consent of their purpose.
-- A view: the exports are the tables.
-- Grain: one row per (audience, profile_id).
{{ config(materialized='view') }}
with

assignments as (
    select * from {{ ref('activation_experiment_assignments') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

identifiers as (
    select * from {{ ref('int_privacy__hashed_identifiers') }}
),

final as (
    select
        assignments.as_of_date,
        assignments.audience,
        assignments.experiment,
        assignments.profile_id,
        assignments.customer_key,
        customers.has_email_consent,
        customers.has_ads_consent,
        customers.primary_segment_id,
        customers.cluster_label,
        customers.purchase_decile,
        identifiers.email_sha256,
        identifiers.phone_sha256,
        identifiers.first_name_sha256,
        identifiers.last_name_sha256,
        identifiers.city_sha256,
        identifiers.state_sha256,
        identifiers.postcode_sha256,
        identifiers.country_sha256,
        identifiers.date_of_birth_sha256,
        identifiers.gender_sha256
    from assignments
    inner join customers
        on assignments.profile_id = customers.profile_id
    inner join identifiers
        on assignments.profile_id = identifiers.profile_id
    where assignments.experiment_arm = 'treatment'
)

select * from final
