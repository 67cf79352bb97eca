-- Every identifier of every identity record, one per row, with the guards
-- that decide whether it may link records: blocked values (seed list and
-- per-type patterns), values whose records were born on clearly different
-- dates (shared by a household, not one person's), and per-type limits on
-- how many distinct records may carry one value. Only rows with `is_usable` create deterministic edges.
-- An email also appears as its SHA-256 (the form third parties share
-- addresses in) when a third party holds that hash: elsewhere the hash would
-- only repeat the links of the address itself.
-- Grain: one row per (record_id, identifier_type, identifier_value).
{%- set rules = var('identity_identifier_rules') %}
{%- set patterns = var('identity_blocked_patterns') %}
{%- set dob_checked = [] %}
{%- for type, rule in rules.items() if rule.refuse_conflicting_dates_of_birth | default(false) %}
{%- do dob_checked.append(type) %}
{%- endfor %}
with

records as (
    select * from {{ ref('int_identity__records') }}
),

demographics as (
    select * from {{ ref('stg_third_party__demographics') }}
),

cookie_activity as (
    select * from {{ ref('int_identity__cookie_activity') }}
),

blocked_values as (
    select * from {{ ref('blocked_identifier_values') }}
),

-- Identifiers held on the records themselves (cookies: see below). Each
-- branch yields one type, so the union has no duplicates.
record_identifiers as (
    select
        record_id,
        'customer_id' as identifier_type,
        customer_id as identifier_value
    from records
    where record_source <> 'web_cookies'
        and customer_id is not null
    union all
    select
        record_id,
        'loyalty_id' as identifier_type,
        loyalty_id as identifier_value
    from records
    where record_source <> 'web_cookies'
        and loyalty_id is not null
    union all
    select
        record_id,
        'email' as identifier_type,
        email as identifier_value
    from records
    where record_source <> 'web_cookies'
        and email is not null
    union all
    select
        record_id,
        'phone' as identifier_type,
        phone_e164 as identifier_value
    from records
    where record_source <> 'web_cookies'
        and phone_e164 is not null
),

-- A cookie is linked by every login and every address typed on it, not
-- only the latest one kept on the record; only cookies that are identity
-- records count (bot cookies are not).
cookie_records as (
    select
        record_id,
        record_key as cookie_id
    from records
    where record_source = 'web_cookies'
),

cookie_values as (
    select
        cookie_id,
        'customer_id' as identifier_type,
        user_id as identifier_value
    from cookie_activity
    where user_id is not null
    union all
    select
        cookie_id,
        'email' as identifier_type,
        email as identifier_value
    from cookie_activity
    where email is not null
),

cookie_identifiers as (
    select distinct
        cookie_records.record_id,
        cookie_values.identifier_type,
        cookie_values.identifier_value
    from cookie_values
    inner join cookie_records
        on cookie_values.cookie_id = cookie_records.cookie_id
),

plain as (
    select
        record_id,
        identifier_type,
        identifier_value
    from record_identifiers
    union all
    select
        record_id,
        identifier_type,
        identifier_value
    from cookie_identifiers
),

-- Third parties often hold only the hash of an address, and may hold both
-- (hence the distinct below).
provided_hashes as (
    select distinct email_sha256
    from demographics
    where email_sha256 is not null
),

email_hashes as (
    select
        plain.record_id,
        provided_hashes.email_sha256 as identifier_value
    from plain
    inner join provided_hashes
        on {{ sha256_hex('plain.identifier_value') }} = provided_hashes.email_sha256
    where plain.identifier_type = 'email'
    union all
    select
        {{ record_id("'third_party_demographics'", 'provider_record_id') }} as record_id,
        email_sha256 as identifier_value
    from demographics
    where email_sha256 is not null
),

sha256_identifiers as (
    select distinct
        record_id,
        'email_sha256' as identifier_type,
        identifier_value
    from email_hashes
),

all_identifiers as (
    select
        record_id,
        identifier_type,
        identifier_value
    from plain
    union all
    select
        record_id,
        identifier_type,
        identifier_value
    from sha256_identifiers
),

-- One pass over each value's records gives how many carry it and the
-- smallest of them: the anchor its deterministic edges hang from.
counted as (
    select
        all_identifiers.*,
        count(*) over values_window as records_with_value,
        min(all_identifiers.record_id) over values_window as anchor_record_id
    from all_identifiers
    window values_window as (
        partition by all_identifiers.identifier_type, all_identifiers.identifier_value
    )
),

-- A value whose records carry dates of birth that differ in two or more of
-- year, month and day (a typo changes one part, or swaps day and month) is
-- shared by several people. Checked for the types with
-- `refuse_conflicting_dates_of_birth`, on values within the type's
-- `max_records_per_value` (the others link nothing anyway), so comparing a
-- value's records pairwise stays cheap.
dated_values as (
    {%- if dob_checked %}
    select distinct
        counted.identifier_type,
        counted.identifier_value,
        records.date_of_birth
    from counted
    inner join records
        on counted.record_id = records.record_id
    where records.date_of_birth is not null
        and (
            {%- for type in dob_checked %}
            (
                counted.identifier_type = '{{ type }}'
                and counted.records_with_value <= {{ rules[type].max_records_per_value }}
            )
            {%- if not loop.last %}
            or {% endif %}
            {%- endfor %}
        )
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_value,
        cast(null as date) as date_of_birth
    where 1 = 0
    {%- endif %}
),

several_dates as (
    select
        identifier_type,
        identifier_value
    from dated_values
    group by identifier_type, identifier_value
    having count(*) > 1
),

conflicting_dates as (
    select distinct
        earlier.identifier_type,
        earlier.identifier_value
    from several_dates
    inner join dated_values as earlier
        on several_dates.identifier_type = earlier.identifier_type
            and several_dates.identifier_value = earlier.identifier_value
    inner join dated_values as later
        on earlier.identifier_type = later.identifier_type
            and earlier.identifier_value = later.identifier_value
            and earlier.date_of_birth < later.date_of_birth
    where {{ comparison_level({'method': 'date'}, 'earlier.date_of_birth', 'later.date_of_birth') }} = 0
),

-- A blocked address blocks its hash too, however the hash arrived: hashes
-- cannot be matched against patterns, so the hashes of every address that
-- is blocked (listed, or seen anywhere matching the pattern) are looked up.
blocked_emails as (
    select
        identifier_value,
        'blocked_value' as guard_reason
    from blocked_values
    where identifier_type = 'email'
    {%- if 'email' in patterns %}
    union
    select
        identifier_value,
        'blocked_pattern' as guard_reason
    from plain
    where identifier_type = 'email'
        and {{ regexp_contains('identifier_value', patterns['email']) }}
    {%- endif %}
),

blocked_listed as (
    select
        identifier_type,
        identifier_value,
        'blocked_value' as guard_reason
    from blocked_values
    union all
    select
        'email_sha256' as identifier_type,
        {{ sha256_hex('identifier_value') }} as identifier_value,
        guard_reason
    from blocked_emails
),

-- A listed value reads 'blocked_value' even when a pattern matches it too
-- ('blocked_value' sorts after 'blocked_pattern').
blocked as (
    select
        identifier_type,
        identifier_value,
        max(guard_reason) as guard_reason
    from blocked_listed
    group by identifier_type, identifier_value
),

guarded as (
    select
        counted.record_id,
        counted.identifier_type,
        counted.identifier_value,
        case counted.identifier_type
            {%- for type, rule in rules.items() %}
            when '{{ type }}' then {{ rule.priority }}
            {%- endfor %}
        end as identifier_priority,
        counted.records_with_value,
        counted.anchor_record_id,
        case
            when blocked.guard_reason is not null then blocked.guard_reason
            {%- for type, pattern in patterns.items() %}
            when counted.identifier_type = '{{ type }}'
                and {{ regexp_contains('counted.identifier_value', pattern) }}
                then 'blocked_pattern'
            {%- endfor %}
            when conflicting_dates.identifier_value is not null then 'conflicting_dates_of_birth'
            {%- for type, rule in rules.items() %}
            when counted.identifier_type = '{{ type }}'
                and counted.records_with_value > {{ rule.max_records_per_value }}
                then 'too_many_records'
            {%- endfor %}
        end as guard_reason
    from counted
    left join blocked
        on counted.identifier_type = blocked.identifier_type
            and counted.identifier_value = blocked.identifier_value
    left join conflicting_dates
        on counted.identifier_type = conflicting_dates.identifier_type
            and counted.identifier_value = conflicting_dates.identifier_value
),

final as (
    select
        *,
        guard_reason is null as is_usable
    from guarded
)

select * from final
