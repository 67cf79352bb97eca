{#-
    Consent decisions, normalized and validated once: one row per distinct
    raw row (exact duplicates collapsed and counted), with every rule it
    breaks in `rejection_reasons` (the first also in `rejection_reason`),
    both null when staged. Subject values are normalized like the
    identifiers they name, so that consent joins to identities exactly; a
    phone is read in the row's `subject_country`, else `default_country`.

    Grants and revocations are judged differently, because a wrong guess
    costs differently. A grant with any flaw is quarantined: without it the
    person is simply not contacted. A revocation is honoured whenever its
    subject can be identified, whatever else is wrong with the row, and its
    flaws are only flagged (`dq_flags`):
    - a purpose that is not understood revokes every purpose
      (`purpose_unmapped_revokes_all`; a purpose `all` does so by design);
    - a time that cannot be read, is implausible or is after the load time
      makes it the person's latest decision (`occurred_at_*_taken_as_latest`):
      it outranks every grant until the row is corrected;
    - a missing or repeated event id is replaced by 'row-<raw_row_id>'.
    A row whose status or (for a revocation) subject cannot be understood
    is quarantined and fails the build (check_privacy_rows_understood on
    stg_privacy__consent_events), unless its subject is a placeholder
    ('000', test@test.com) that names nobody.
-#}
{%- set raw_columns = [
    'consent_event_id', 'subject_type', 'subject_value', 'purpose', 'status', 'occurred_at',
    'subject_country',
] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('privacy', 'consent_events') -%}

with

country_lookup as (
    select * from {{ ref('stg_reference__country_lookup') }}
),

countries as (
    select * from {{ ref('stg_reference__countries') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates(raw, raw_columns) }}
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

labelled as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.consent_event_id') }} as consent_event_id_clean,
        {{ privacy_subject_type('subject_types.label', 'distinct_rows.subject_value') }} as subject_type_label,
        purposes.label as purpose_label,
        statuses.label as status_label,
        country_lookup.country_code as subject_country_code,
        coalesce(country_lookup.country_code, '{{ var("default_country") }}') as numbering_country,
        {{ parse_utc_timestamp('distinct_rows.occurred_at') }} as occurred_at_utc
    from distinct_rows
    left join subject_types
        on distinct_rows.subject_type = subject_types.raw_value
    left join purposes
        on distinct_rows.purpose = purposes.raw_value
    left join statuses
        on distinct_rows.status = statuses.raw_value
    left join country_lookup
        on {{ normalize_label('distinct_rows.subject_country') }} = country_lookup.lookup_key
),

parsed as (
    {{ privacy_subject_parsed('labelled', 'countries') }}
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

judged as (
    select
        *,
        status_label = 'revoked'
        and subject_type_label is not null
        and subject_value_clean is not null as is_honoured_revocation,
        case
            when occurred_at_utc is null then 'unparseable'
            when {{ is_implausible_timestamp('occurred_at_utc') }} then 'implausible'
            when {{ is_future_dated('occurred_at_utc') }} then 'future'
        end as occurred_at_problem
    from versioned
),

validated as (
    select
        *,
        nullif(concat_ws(
            ',',
            case when consent_event_id_clean is null and not is_honoured_revocation then 'missing_consent_event_id' end,
            {{ privacy_subject_problem() }},
            case when purpose_label is null and not is_honoured_revocation then 'unmapped_purpose' end,
            case when status_label is null then 'unmapped_status' end,
            case when occurred_at_problem is not null and not is_honoured_revocation then occurred_at_problem || '_occurred_at' end,
            case
                when consent_event_id_clean is not null and delivery_rank > 1 and not is_honoured_revocation
                    then 'duplicate_consent_event_id'
            end
        ), '') as rejection_reasons,
        case
            when is_honoured_revocation
                then nullif(concat_ws(
                        ',',
                        case when consent_event_id_clean is null then 'consent_event_id_missing' end,
                        case when consent_event_id_clean is not null and delivery_rank > 1 then 'consent_event_id_repeated' end,
                        case when purpose_label is null then 'purpose_unmapped_revokes_all' end,
                        case when occurred_at_problem is not null then 'occurred_at_' || occurred_at_problem || '_taken_as_latest' end
                    ), '')
        end as dq_flags
    from judged
),

final as (
    select
        -- keys: a revocation without a usable id is keyed by its row fingerprint
        raw_row_id,
        case
            when is_honoured_revocation and (consent_event_id_clean is null or delivery_rank > 1)
                then 'row-' || raw_row_id
            else consent_event_id_clean
        end as normalized_consent_event_id,
        -- subject
        subject_type_label as normalized_subject_type,
        subject_value_clean as normalized_subject_value,
        subject_national_number as normalized_subject_national_number,
        subject_country_code as normalized_subject_country,
        -- decision
        case when is_honoured_revocation then coalesce(purpose_label, 'all') else purpose_label end as normalized_purpose,
        status_label as normalized_status,
        case when occurred_at_problem is null then occurred_at_utc end as normalized_occurred_at,
        -- quality
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        dq_flags,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }}
    from validated
)

select * from final
