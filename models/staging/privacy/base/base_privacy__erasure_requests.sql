{#-
    Erasure requests, normalized and validated once. A request is honoured
    whatever else is wrong with its row (a missing id or an unreadable date
    only sets a flag); only a request whose subject cannot be identified is
    quarantined, since nothing could be erased for it, and that fails the
    build (check_privacy_rows_understood on stg_privacy__erasure_requests)
    unless the subject is a placeholder ('000', test@test.com) that names
    nobody. A request dated after the load time is honoured too: its date is
    nulled and flagged (`requested_at_future`), as a wrong clock must not
    stop an erasure. A phone is read in the row's `subject_country`, else
    `default_country`; an 'email' or 'phone' given as 64 hex digits is that
    identifier's SHA-256.
-#}
{%- set raw_columns = ['request_id', 'subject_type', 'subject_value', 'requested_at', 'subject_country'] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('privacy', 'erasure_requests') -%}

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

subject_types as (
    {{ label_lookup('distinct_rows', 'subject_type', 'subject_type') }}
),

labelled as (
    select
        distinct_rows.*,
        {{ privacy_subject_type('subject_types.label', 'distinct_rows.subject_value') }} as subject_type_label,
        country_lookup.country_code as subject_country_code,
        coalesce(country_lookup.country_code, '{{ var("default_country") }}') as numbering_country,
        {{ parse_utc_timestamp('distinct_rows.requested_at') }} as requested_at_parsed
    from distinct_rows
    left join subject_types
        on distinct_rows.subject_type = subject_types.raw_value
    left join country_lookup
        on {{ normalize_label('distinct_rows.subject_country') }} = country_lookup.lookup_key
),

parsed as (
    {{ privacy_subject_parsed('labelled', 'countries') }}
),

validated as (
    select
        *,
        case when not {{ is_future_dated('requested_at_parsed') }} then requested_at_parsed end as requested_at_utc,
        nullif(concat_ws(
            ',',
            {{ privacy_subject_problem() }}
        ), '') as rejection_reasons,
        nullif(concat_ws(
            ',',
            case when {{ clean_text('request_id') }} is null then 'request_id_missing' end,
            case when {{ clean_text('requested_at') }} is not null and requested_at_parsed is null then 'requested_at_unparseable' end,
            case when {{ is_future_dated('requested_at_parsed') }} then 'requested_at_future' end
        ), '') as dq_flags
    from parsed
),

final as (
    select
        -- keys: a request without an id is keyed by its row fingerprint
        raw_row_id,
        coalesce({{ clean_text('request_id') }}, 'row-' || raw_row_id) as normalized_request_id,
        -- subject
        subject_type_label as normalized_subject_type,
        subject_value_clean as normalized_subject_value,
        subject_national_number as normalized_subject_national_number,
        subject_country_code as normalized_subject_country,
        -- time
        requested_at_utc as normalized_requested_at,
        -- quality
        dq_flags,
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }}
    from validated
)

select * from final
