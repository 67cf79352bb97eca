-- Every privacy subject (the identifier a consent decision, an email
-- unsubscribe or an erasure request names) and the identity records it
-- names, found the way real systems write subjects:
-- - `exact`: the normalized value is the record's identifier;
-- - `sha256`: the subject is the SHA-256 of an email (lowercased) or a phone
--   (its digits with the country code, with or without '+'), as ad and
--   consent platforms export them;
-- - `case_insensitive`: a customer id whose case differs ('c000123'),
--   tried only when the exact value names no record;
-- - `national_number`: a phone written in national form that the default
--   country's reading does not find, tried in every country's numbering.
-- A subject found by the last two methods in more than one identifier value
-- is `is_ambiguous`: erasure refuses it for a person to resolve, a
-- revocation still reaches all of them (the safe side), a grant none.
-- Consumers judge trust from `is_usable` and `guard_reason` as they need.
-- Grain: one row per (subject_type, subject_value, subject_national_number,
-- record_id); subjects that name no record are absent.
with

consent_events as (
    select * from {{ ref('stg_privacy__consent_events') }}
),

erasure_requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

-- unsubscribes name their recipient; quarantined ones count too (see
-- int_privacy__profile_consent)
unsubscribes as (
    select * from {{ ref('base_esp__email_events') }}
    where normalized_event_type = 'unsubscribe'
        and normalized_recipient_email is not null
),

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
),

countries as (
    select * from {{ ref('stg_reference__countries') }}
),

subjects as (
    select distinct
        subject_type,
        subject_value,
        subject_national_number
    from consent_events
    union
    select distinct
        subject_type,
        subject_value,
        subject_national_number
    from erasure_requests
    union
    select distinct
        'email' as subject_type,
        normalized_recipient_email as subject_value,
        cast(null as {{ dbt.type_string() }}) as subject_national_number
    from unsubscribes
),

exact_matches as (
    select
        subjects.subject_type,
        subjects.subject_value,
        subjects.subject_national_number,
        identifiers.record_id,
        identifiers.identifier_value as matched_value,
        'exact' as match_method,
        identifiers.is_usable,
        identifiers.guard_reason
    from subjects
    inner join identifiers
        on subjects.subject_type = identifiers.identifier_type
            and subjects.subject_value = identifiers.identifier_value
),

-- Hashes of the plain emails and phones, computed only when some subject
-- is a hash (the filter is evaluated once, before any row is hashed).
hashed_subjects_exist as (
    select count(*) > 0 as any_hashed
    from subjects
    where subject_type in ('email_sha256', 'phone_sha256')
),

plain_identifiers as (
    select
        identifiers.record_id,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.is_usable,
        identifiers.guard_reason
    from identifiers
    cross join hashed_subjects_exist
    where hashed_subjects_exist.any_hashed
        and identifiers.identifier_type in ('email', 'phone')
),

hashed_identifiers as (
    select
        record_id,
        'email_sha256' as identifier_type,
        {{ sha256_hex('identifier_value') }} as identifier_value,
        identifier_value as plain_value,
        is_usable,
        guard_reason
    from plain_identifiers
    where identifier_type = 'email'
    union all
    select
        record_id,
        'phone_sha256' as identifier_type,
        {{ sha256_hex(regexp_replace_all('identifier_value', '[^0-9]', '')) }} as identifier_value,
        identifier_value as plain_value,
        is_usable,
        guard_reason
    from plain_identifiers
    where identifier_type = 'phone'
    union all
    select
        record_id,
        'phone_sha256' as identifier_type,
        {{ sha256_hex('identifier_value') }} as identifier_value,
        identifier_value as plain_value,
        is_usable,
        guard_reason
    from plain_identifiers
    where identifier_type = 'phone'
),

hashed_matches as (
    select
        subjects.subject_type,
        subjects.subject_value,
        subjects.subject_national_number,
        hashed_identifiers.record_id,
        hashed_identifiers.plain_value as matched_value,
        'sha256' as match_method,
        hashed_identifiers.is_usable,
        hashed_identifiers.guard_reason
    from subjects
    inner join hashed_identifiers
        on subjects.subject_type = hashed_identifiers.identifier_type
            and subjects.subject_value = hashed_identifiers.identifier_value
),

found as (
    select * from exact_matches
    union all
    select * from hashed_matches
),

found_subjects as (
    select distinct
        subject_type,
        subject_value,
        subject_national_number
    from found
),

unfound as (
    select subjects.*
    from subjects
    left join found_subjects
        on subjects.subject_type = found_subjects.subject_type
            and subjects.subject_value = found_subjects.subject_value
            and coalesce(subjects.subject_national_number, '') = coalesce(found_subjects.subject_national_number, '')
    where found_subjects.subject_type is null
),

case_insensitive_matches as (
    select
        unfound.subject_type,
        unfound.subject_value,
        unfound.subject_national_number,
        identifiers.record_id,
        identifiers.identifier_value as matched_value,
        'case_insensitive' as match_method,
        identifiers.is_usable,
        identifiers.guard_reason
    from unfound
    inner join identifiers
        on identifiers.identifier_type = 'customer_id'
            and lower(unfound.subject_value) = lower(identifiers.identifier_value)
    where unfound.subject_type = 'customer_id'
),

-- the national number as it would be written in each country's numbering
national_candidates as (
    select
        unfound.subject_type,
        unfound.subject_value,
        unfound.subject_national_number,
        '+' || countries.calling_code || unfound.subject_national_number as candidate_e164
    from unfound
    cross join countries
    where unfound.subject_national_number is not null
        and countries.calling_code is not null
),

national_matches as (
    select
        national_candidates.subject_type,
        national_candidates.subject_value,
        national_candidates.subject_national_number,
        identifiers.record_id,
        identifiers.identifier_value as matched_value,
        'national_number' as match_method,
        identifiers.is_usable,
        identifiers.guard_reason
    from national_candidates
    inner join identifiers
        on identifiers.identifier_type = 'phone'
            and national_candidates.candidate_e164 = identifiers.identifier_value
),

matches as (
    select * from found
    union all
    select * from case_insensitive_matches
    union all
    select * from national_matches
),

-- One row per record: several countries share a calling code, and a record
-- may carry both an address and the hash a third party gave for it.
per_record as (
    select
        subject_type,
        subject_value,
        subject_national_number,
        record_id,
        min(matched_value) as matched_value,
        min(match_method) as match_method,
        {{ dbt.bool_or('is_usable') }} as is_usable,
        min(guard_reason) as guard_reason
    from matches
    group by subject_type, subject_value, subject_national_number, record_id
),

matched_values as (
    select
        subject_type,
        subject_value,
        coalesce(subject_national_number, '') as national_key,
        count(distinct matched_value) as matched_values
    from matches
    group by subject_type, subject_value, coalesce(subject_national_number, '')
),

final as (
    select
        per_record.subject_type,
        per_record.subject_value,
        per_record.subject_national_number,
        per_record.record_id,
        per_record.matched_value,
        per_record.match_method,
        per_record.is_usable,
        -- a usable match has no guard, whatever its other route said
        case when not per_record.is_usable then per_record.guard_reason end as guard_reason,
        per_record.match_method in ('case_insensitive', 'national_number')
        and matched_values.matched_values > 1 as is_ambiguous
    from per_record
    inner join matched_values
        on per_record.subject_type = matched_values.subject_type
            and per_record.subject_value = matched_values.subject_value
            and coalesce(per_record.subject_national_number, '') = matched_values.national_key
)

select * from final
