{#-
    Email engagement events, normalized and validated once: one row per
    distinct raw row (exact duplicates collapsed and counted), with every
    rule it breaks in `rejection_reasons` (the first also in
    `rejection_reason`), both null when the event is staged. An event time
    after the load time is quarantined (`future_occurred_at`).
-#}
{%- set raw_columns = ['event_id', 'recipient_email', 'campaign_id', 'event_type', 'occurred_at'] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('esp', 'email_events') -%}

with

distinct_rows as (
    {{ collapse_exact_duplicates(raw, raw_columns) }}
),

event_types as (
    {{ label_lookup('distinct_rows', 'event_type', 'email_event_type') }}
),

parsed as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.event_id') }} as event_id_clean,
        {{ normalize_email('distinct_rows.recipient_email') }} as recipient_email_clean,
        {{ parse_utc_timestamp('distinct_rows.occurred_at') }} as occurred_at_utc,
        event_types.label as event_type_label
    from distinct_rows
    left join event_types
        on distinct_rows.event_type = event_types.raw_value
),

versioned as (
    select
        *,
        row_number() over (
            partition by event_id_clean
            order by occurred_at_utc nulls last, raw_row_id
        ) as delivery_rank
    from parsed
),

validated as (
    select
        *,
        nullif(concat_ws(
            ',',
            case when event_id_clean is null then 'missing_event_id' end,
            case when recipient_email_clean is null then 'invalid_recipient_email' end,
            case when occurred_at_utc is null then 'unparseable_occurred_at' end,
            case when {{ is_implausible_timestamp('occurred_at_utc') }} then 'implausible_occurred_at' end,
            case when {{ is_future_dated('occurred_at_utc') }} then 'future_occurred_at' end,
            case when event_type_label is null then 'unmapped_event_type' end,
            case when event_id_clean is not null and delivery_rank > 1 then 'duplicate_event_id' end
        ), '') as rejection_reasons
    from versioned
),

final as (
    select
        -- keys
        raw_row_id,
        event_id_clean as normalized_event_id,
        recipient_email_clean as normalized_recipient_email,
        {{ clean_text('campaign_id') }} as normalized_campaign_id,
        -- event
        event_type_label as normalized_event_type,
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
