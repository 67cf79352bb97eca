-- Every erasure request, and the profiles it erases. A request names a
-- subject (an email, customer id or phone, or the SHA-256 of an email or
-- phone, normalized like the identity layer's identifiers); it erases every
-- profile holding a record that carries that value, and with it every other
-- record of that person: cookies, third-party records and email recipients
-- linked by identity resolution. Subjects are found as
-- int_privacy__subject_records finds them (exactly, by hash, a customer id
-- in another case, a phone in another country's national form); which way
-- is `match_method`.
--
-- A request is matched through the identifiers identity resolution trusts
-- (`is_usable`) and through values refused only because records with
-- different dates of birth share them (a household: erasing each member is
-- the safe side of a legal request). Values refused as junk or as shared by
-- too many records (test@test.com, all-zero phones) identify nobody, and
-- would erase strangers, as would a subject that only a loose reading finds
-- in several identifiers (`is_ambiguous`: two customer ids that differ only
-- in case): such a request is kept with status `refused_identifier` for a
-- person to resolve. Requests are honoured whatever their date, including
-- after `as_of_date`.
-- Grain: one row per (raw_row_id, profile_id); profile_id is null for a
-- request that erases nobody, so every request is accounted for.
with

requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

subject_records as (
    select * from {{ ref('int_privacy__subject_records') }}
),

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

matched_records as (
    select
        requests.raw_row_id,
        subject_records.record_id,
        subject_records.match_method,
        (
            subject_records.is_usable
            or subject_records.guard_reason = 'conflicting_dates_of_birth'
        )
        and not subject_records.is_ambiguous as is_trusted
    from requests
    inner join subject_records
        on requests.subject_type = subject_records.subject_type
            and requests.subject_value = subject_records.subject_value
            and coalesce(requests.subject_national_number, '') = coalesce(subject_records.subject_national_number, '')
),

matched_profiles as (
    select
        matched_records.raw_row_id,
        profile_map.profile_id,
        min(matched_records.match_method) as match_method
    from matched_records
    inner join profile_map
        on matched_records.record_id = profile_map.record_id
    where matched_records.is_trusted
    group by matched_records.raw_row_id, profile_map.profile_id
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
        matched_profiles.match_method,
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
