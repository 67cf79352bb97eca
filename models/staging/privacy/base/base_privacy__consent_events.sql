{#-
    Consent decisions, normalized and validated once: one row per distinct
    raw row (exact duplicates collapsed and counted), with every rule it
    breaks in `rejection_reasons` (the first also in `rejection_reason`),
    both null when staged. A decision dated after the load time is
    quarantined (`future_occurred_at`): it would outrank every real later
    decision of its subject. Subject values are
    normalized like the identifiers they name, so that consent joins to
    identities exactly.
-#}
{%- set raw_columns = [
    'consent_event_id', 'subject_type', 'subject_value', 'purpose', 'status', 'occurred_at',
] -%}

with

source as (
    select * from {{ source('privacy', 'consent_events') }}
),

default_country as (
    select * from {{ ref('stg_reference__countries') }}
    where country_code = '{{ var("default_country") }}'
),

distinct_rows as (
    {{ collapse_exact_duplicates('source', raw_columns) }}
),

-- Categorical columns are normalized once per distinct value, not per row.
subject_types as (
    {{ label_lookup('distinct_rows', 'subject_type', 'subject_type') }}
),

purposes as (
    {{ label_lookup('distinct_rows', 'purpose', 'consent_purpose') }}
),

statuses as (
    {{ label_lookup('distinct_rows', 'status', 'consent_status') }}
),

parsed as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.consent_event_id') }} as consent_event_id_clean,
        subject_types.label as subject_type_label,
        purposes.label as purpose_label,
        statuses.label as status_label,
        {{ normalize_subject_value(
            'subject_types.label', 'distinct_rows.subject_value',
            'default_country.calling_code', 'default_country.trunk_prefix') }} as subject_value_clean,
        {{ parse_utc_timestamp('distinct_rows.occurred_at') }} as occurred_at_utc
    from distinct_rows
    cross join default_country
    left join subject_types
        on distinct_rows.subject_type = subject_types.raw_value
    left join purposes
        on distinct_rows.purpose = purposes.raw_value
    left join statuses
        on distinct_rows.status = statuses.raw_value
),

versioned as (
    select
        *,
        row_number() over (
            partition by consent_event_id_clean
            order by occurred_at_utc nulls last, raw_row_id
        ) as delivery_rank
    from parsed
),

validated as (
    select
        *,
        -- a subject value is judged against its type: none without one
        nullif(concat_ws(
            ',',
            case when consent_event_id_clean is null then 'missing_consent_event_id' end,
            case when subject_type_label is null then 'unmapped_subject_type' end,
            case when subject_type_label is not null and subject_value_clean is null then 'invalid_subject_value' end,
            case when purpose_label is null then 'unmapped_purpose' end,
            case when status_label is null then 'unmapped_status' end,
            case when occurred_at_utc is null then 'unparseable_occurred_at' end,
            case when {{ is_implausible_timestamp('occurred_at_utc') }} then 'implausible_occurred_at' end,
            case when {{ is_future_dated('occurred_at_utc') }} then 'future_occurred_at' end,
            case
                when consent_event_id_clean is not null and delivery_rank > 1
                    then 'duplicate_consent_event_id'
            end
        ), '') as rejection_reasons
    from versioned
),

final as (
    select
        -- keys
        raw_row_id,
        consent_event_id_clean as normalized_consent_event_id,
        -- subject
        subject_type_label as normalized_subject_type,
        subject_value_clean as normalized_subject_value,
        -- decision
        purpose_label as normalized_purpose,
        status_label as normalized_status,
        occurred_at_utc as normalized_occurred_at,
        -- quality
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }}
    from validated
)

select * from final
