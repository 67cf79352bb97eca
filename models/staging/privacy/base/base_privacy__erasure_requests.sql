{#-
    Erasure requests, normalized and validated once. A request is honoured
    whatever else is wrong with its row (a missing id or an unreadable date
    only sets a flag); only a request whose subject cannot be identified is
    quarantined, since nothing could be erased for it. A request dated after
    the load time is honoured too: its date is nulled and flagged
    (`requested_at_future`), as a wrong clock must not stop an erasure.
-#}
{%- set raw_columns = ['request_id', 'subject_type', 'subject_value', 'requested_at'] -%}

with

source as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

label_map as (
    select * from {{ ref('label_map') }}
    where domain = 'subject_type'
),

default_country as (
    select * from {{ ref('stg_reference__countries') }}
    where country_code = '{{ var("default_country") }}'
),

distinct_rows as (
    {{ collapse_exact_duplicates('source', raw_columns) }}
),

parsed as (
    select
        distinct_rows.*,
        label_map.label as subject_type_label,
        {{ normalize_subject_value(
            'label_map.label', 'distinct_rows.subject_value',
            'default_country.calling_code', 'default_country.trunk_prefix') }} as subject_value_clean,
        {{ parse_utc_timestamp('distinct_rows.requested_at') }} as requested_at_parsed
    from distinct_rows
    cross join default_country
    left join label_map
        on {{ normalize_label('distinct_rows.subject_type') }} = label_map.raw_label
),

validated as (
    select
        *,
        case when not {{ is_future_dated('requested_at_parsed') }} then requested_at_parsed end as requested_at_utc,
        nullif(concat_ws(
            ',',
            case when subject_type_label is null then 'unmapped_subject_type' end,
            case when subject_type_label is not null and subject_value_clean is null then 'invalid_subject_value' end
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
