-- Every erasure request, and the profiles it erases. A request names a
-- subject (an email, customer id or phone, normalized like the identity
-- layer's identifiers); it erases every profile holding a record that carries
-- that value, and with it every other record of that person: cookies,
-- third-party records and email recipients linked by identity resolution.
--
-- A request is matched through the identifiers identity resolution trusts
-- (`is_usable`) and through values refused only because records with
-- different dates of birth share them (a household: erasing each member is
-- the safe side of a legal request). Values refused as junk or as shared by
-- too many records (test@test.com, all-zero phones) identify nobody, and
-- would erase strangers: such a request is kept with status
-- `refused_identifier` for a person to resolve. Requests are honoured
-- whatever their date, including after `as_of_date`.
-- Grain: one row per (raw_row_id, profile_id); profile_id is null for a
-- request that erases nobody, so every request is accounted for.
with

requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
),

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

matched_records as (
    select
        requests.raw_row_id,
        identifiers.record_id,
        (
            identifiers.is_usable
            or identifiers.guard_reason = 'conflicting_dates_of_birth'
        ) as is_trusted
    from requests
    inner join identifiers
        on requests.subject_type = identifiers.identifier_type
            and requests.subject_value = identifiers.identifier_value
),

matched_profiles as (
    select distinct
        matched_records.raw_row_id,
        profile_map.profile_id
    from matched_records
    inner join profile_map
        on matched_records.record_id = profile_map.record_id
    where matched_records.is_trusted
),

refused as (
    select distinct raw_row_id
    from matched_records
    where not is_trusted
),

final as (
    select
        requests.raw_row_id,
        requests.request_id,
        requests.subject_type,
        requests.requested_at,
        matched_profiles.profile_id,
        case
            when matched_profiles.profile_id is not null then 'erased'
            when refused.raw_row_id is not null then 'refused_identifier'
            else 'no_matching_record'
        end as match_status
    from requests
    left join matched_profiles
        on requests.raw_row_id = matched_profiles.raw_row_id
    left join refused
        on requests.raw_row_id = refused.raw_row_id
)

select * from final
