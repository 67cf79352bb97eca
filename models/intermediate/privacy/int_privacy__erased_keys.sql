-- Every key under which an erased person can be found in any table: what
-- the erasure sweep deletes by, what publishing checks a file against, and
-- what the erasure test searches every model for. Per erased profile:
-- * profile_id: the profile id and every earlier id the identity map records
--   for its records (previous_profile_id);
-- * customer_key: the pseudonymous key of each of those ids (macro
--   pseudonymous_key with the secret salt, as int_privacy__customer_keys);
-- * customer_id, email, phone, email_sha256: every identifier value of every
--   record of the profile that identity resolution trusts as the person's,
--   the same values int_privacy__erasure_matches matches requests through
--   (usable, or refused only as shared by a household); values refused as
--   junk or over-shared (test@test.com) are strangers' too and stay out, as
--   does a value a profile that is not erased carries too;
-- * cookie_id: the key of each of the profile's web cookie records (the
--   visitor key, `user:<user_id>` for a login's events without a cookie);
-- * email_sha256, phone_sha256: the hashes of those emails and phones as the
--   activation exports compute them (int_privacy__hashed_identifiers: email
--   trimmed and lowercased, phone digits without the '+').
-- Grain: one row per (profile_id, key_type, key_value).
{{ config(access='private', meta={'contains_pii': true}) }}
with

erased as (
    select * from {{ ref('int_privacy__erased_profiles') }}
),

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
),

salt as (
    select * from {{ ref('int_privacy__pseudonymisation_salt') }}
),

erased_records as (
    select
        erased.profile_id,
        profile_map.record_id,
        profile_map.record_source,
        profile_map.record_key,
        profile_map.previous_profile_id
    from erased
    inner join profile_map
        on erased.profile_id = profile_map.profile_id
),

profile_ids as (
    select
        profile_id,
        profile_id as key_value
    from erased
    union all
    select
        profile_id,
        previous_profile_id as key_value
    from erased_records
    where previous_profile_id is not null
),

-- Values a record of a profile that is not erased carries too (a household's
-- phone, when one member asked to be erased): they are that person's keys as
-- much as the erased one's, so they find nobody in particular and stay out.
kept_values as (
    select distinct
        identifiers.identifier_type,
        identifiers.identifier_value
    from identifiers
    inner join profile_map
        on identifiers.record_id = profile_map.record_id
    left join erased
        on profile_map.profile_id = erased.profile_id
    where erased.profile_id is null
        and identifiers.identifier_type in ('customer_id', 'email', 'phone', 'email_sha256')
),

trusted_identifiers as (
    select
        erased_records.profile_id,
        identifiers.identifier_type as key_type,
        identifiers.identifier_value as key_value
    from erased_records
    inner join identifiers
        on erased_records.record_id = identifiers.record_id
    left join kept_values
        on identifiers.identifier_type = kept_values.identifier_type
            and identifiers.identifier_value = kept_values.identifier_value
    where
        identifiers.identifier_type in ('customer_id', 'email', 'phone', 'email_sha256')
        and (
            identifiers.is_usable
            or identifiers.guard_reason = 'conflicting_dates_of_birth'
        )
        and kept_values.identifier_value is null
),

all_keys as (
    select
        profile_id,
        'profile_id' as key_type,
        key_value
    from profile_ids
    union all
    select
        profile_ids.profile_id,
        'customer_key' as key_type,
        {{ pseudonymous_key('salt.salt', 'profile_ids.key_value') }} as key_value
    from profile_ids
    cross join salt
    union all
    select
        profile_id,
        'cookie_id' as key_type,
        record_key as key_value
    from erased_records
    where record_source = 'web_cookies'
    union all
    select
        profile_id,
        key_type,
        key_value
    from trusted_identifiers
    union all
    select
        profile_id,
        'email_sha256' as key_type,
        {{ sha256_hex('lower(trim(key_value))') }} as key_value
    from trusted_identifiers
    where key_type = 'email'
    union all
    select
        profile_id,
        'phone_sha256' as key_type,
        {{ sha256_hex(regexp_replace_all('key_value', '[^0-9]', '')) }} as key_value
    from trusted_identifiers
    where key_type = 'phone'
),

final as (
    select distinct
        profile_id,
        key_type,
        key_value
    from all_keys
    where key_value is not null and key_value <> ''
)

select * from final
