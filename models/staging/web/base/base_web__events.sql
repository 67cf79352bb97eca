{#-
    Web and app events, normalized and validated once: one row per distinct
    raw row (exact duplicates collapsed and counted), with every rule it
    breaks in `rejection_reasons` (the first also in `rejection_reason`),
    both null when the event is staged. An event or receipt time after the
    load time comes from a wrong clock and is quarantined
    (`future_event_at`, `future_received_at`): one device set to 2099 must
    not move the as-of date. A repeated delivery of the same event_id is
    quarantined as `duplicate_event_id`;
    bot traffic is kept and flagged (`is_bot`), so that features can exclude
    it and reports can count it.

    Incremental, a receipt day at a time (macros/state/incremental.sql): a
    run restages the raw rows received from the latest staged receipt day
    less var `incremental_lookback_days` on, and the rows whose receipt time
    cannot be placed on a day; every other day is left as it was. Late
    events (an old `event_at` received today) are simply today's rows. The
    raw table is taken to be append-only: a rewritten history needs
    `--full-refresh`.
-#}
{{ config(**day_partitioned_incremental('receipt_day')) }}
{%- set raw_columns = [
    'event_id', 'cookie_id', 'user_id', 'email', 'event_type', 'page_path',
    'product_category', 'session_id', 'device_type', 'user_agent',
    'utm_source', 'utm_medium', 'utm_campaign', 'event_at', 'received_at',
] -%}

{#- Read by name wherever it is read: DuckDB holds a CTE that is read more
    than once whole in memory, and this is the largest table staging reads. -#}
{%- set events = source('web', 'events') -%}

with

{%- if is_incremental() %}

load_window as (
    {{ incremental_window_start(this, 'receipt_day') }}
),

-- Exact copies share their receipt time, so a row and all its copies are
-- always restaged together.
arrived as (
    select dated.*
    from (
        select
            raw_events.*,
            {{ receipt_day(parse_utc_timestamp('raw_events.received_at')) }} as arrival_day
        from {{ events }} as raw_events
    ) as dated
    cross join load_window
    where
        dated.arrival_day = {{ unplaced_receipt_day() }}
        or load_window.starts_on is null
        or dated.arrival_day >= load_window.starts_on
),

-- Deliveries of the same event ids staged on earlier receipt days, which
-- this run does not restage: they all came first.
earlier_deliveries as (
    select
        staged.normalized_event_id as event_id_clean,
        count(*) as deliveries
    from {{ this }} as staged
    cross join load_window
    where
        staged.receipt_day <> {{ unplaced_receipt_day() }}
        and staged.receipt_day < load_window.starts_on
        and staged.normalized_event_id in (
            select {{ clean_text('arrived.event_id') }} from arrived
        )
    group by staged.normalized_event_id
),
{%- else %}

earlier_deliveries as (
    select
        cast(null as {{ dbt.type_string() }}) as event_id_clean,
        cast(0 as {{ dbt.type_bigint() }}) as deliveries
    where 1 = 0
),
{%- endif %}

{#- What this run stages: a CTE when it restages a window (small, read a few
    times), else the source itself. -#}
{%- set arrived = 'arrived' if is_incremental() else events %}

-- Read once, by `parsed`: every event row streams through to the table.
distinct_rows as (
    {{ collapse_exact_duplicates(arrived, raw_columns) }}
),

-- Categorical columns (and user agents and campaign tags, a few thousand
-- distinct values in millions of events) are normalized once per distinct
-- value, not per event. Their values are read from the raw rows, not from
-- distinct_rows: read by them too, DuckDB would hold every distinct event
-- row in memory at once (docs/measurements.md).
event_types as (
    {{ label_lookup(arrived, 'event_type', 'event_type') }}
),

product_categories as (
    {{ label_lookup(arrived, 'product_category', 'product_category') }}
),

device_types as (
    {{ label_lookup(arrived, 'device_type', 'device_type') }}
),

user_agents as (
    select
        user_agent,
        {{ clean_text('user_agent') }} as user_agent_clean,
        coalesce({{ regexp_contains('lower(user_agent)', var('bot_user_agent_pattern')) }}, false) as is_bot
    from (select distinct user_agent from {{ arrived }}) as raw_values
),

campaigns as (
    select
        utm_source,
        utm_medium,
        utm_campaign,
        lower({{ clean_text('utm_source') }}) as utm_source_clean,
        lower({{ clean_text('utm_medium') }}) as utm_medium_clean,
        lower({{ clean_text('utm_campaign') }}) as utm_campaign_clean
    from (
        select distinct
            utm_source,
            utm_medium,
            utm_campaign
        from {{ arrived }}
    ) as raw_values
),

parsed as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.event_id') }} as event_id_clean,
        {{ clean_text('distinct_rows.cookie_id') }} as cookie_id_clean,
        {{ clean_text('distinct_rows.user_id') }} as user_id_clean,
        {{ normalize_email('distinct_rows.email') }} as email_clean,
        {{ parse_utc_timestamp('distinct_rows.event_at') }} as event_at_utc,
        {{ parse_utc_timestamp('distinct_rows.received_at') }} as received_at_utc,
        event_types.label as event_type_label,
        coalesce(product_categories.label, replace(product_categories.normalized_label, ' ', '_'))
            as product_category_label,
        case
            when device_types.normalized_label is not null then coalesce(device_types.label, 'other')
        end as device_type_label,
        coalesce(user_agents.is_bot, false) as is_bot_user_agent,
        user_agents.user_agent_clean,
        campaigns.utm_source_clean,
        campaigns.utm_medium_clean,
        campaigns.utm_campaign_clean
    from distinct_rows
    left join event_types
        on distinct_rows.event_type = event_types.raw_value
    left join product_categories
        on distinct_rows.product_category = product_categories.raw_value
    left join device_types
        on distinct_rows.device_type = device_types.raw_value
    left join user_agents
        on distinct_rows.user_agent = user_agents.user_agent
    left join campaigns
        on distinct_rows.utm_source is not distinct from campaigns.utm_source
            and distinct_rows.utm_medium is not distinct from campaigns.utm_medium
            and distinct_rows.utm_campaign is not distinct from campaigns.utm_campaign
),

-- The collector may deliver an event more than once: the first delivery is
-- kept, ties broken by the row fingerprint; deliveries whose receipt time
-- cannot be placed on a day rank after all others. Only the rows of event
-- ids that arrive more than once (a small share) are ranked: they are found
-- from the raw and cleaned ids alone, then read again with their receipt
-- times and fingerprints. A window sorts whatever it reads, and every wide
-- event row is the largest thing the build could sort. An incremental run
-- counts the earlier days' deliveries in.
event_keys as (
    select
        event_id,
        {{ clean_text('event_id') }} as event_id_clean
    from {{ arrived }}
),

repeated_event_ids as (
    select event_id_clean
    from event_keys
    where event_id_clean is not null
    group by event_id_clean
    having count(*) > 1
),

-- Exact copies of a delivery are one delivery.
repeated_deliveries as (
    select distinct
        {{ row_fingerprint(raw_columns) }} as raw_row_id,
        {{ clean_text('event_id') }} as event_id_clean,
        {{ parse_utc_timestamp('received_at') }} as received_at_utc
    from {{ arrived }}
    where
        event_id in (
            select event_keys.event_id
            from event_keys
            inner join repeated_event_ids
                on event_keys.event_id_clean = repeated_event_ids.event_id_clean
        )
),

delivery_ranks as (
    select
        raw_row_id,
        row_number() over (
            partition by event_id_clean
            order by
                case when {{ receipt_day('received_at_utc') }} = {{ unplaced_receipt_day() }} then 1 else 0 end,
                received_at_utc,
                raw_row_id
        ) as delivery_rank
    from repeated_deliveries
),

versioned as (
    select
        parsed.*,
        coalesce(delivery_ranks.delivery_rank, 1) + coalesce(earlier_deliveries.deliveries, 0) as delivery_rank
    from parsed
    left join delivery_ranks
        on parsed.raw_row_id = delivery_ranks.raw_row_id
    left join earlier_deliveries
        on parsed.event_id_clean = earlier_deliveries.event_id_clean
),

validated as (
    select
        *,
        nullif(concat_ws(
            ',',
            case when event_id_clean is null then 'missing_event_id' end,
            case when cookie_id_clean is null and user_id_clean is null then 'missing_visitor_id' end,
            case when event_at_utc is null then 'unparseable_event_at' end,
            case when {{ is_implausible_timestamp('event_at_utc') }} then 'implausible_event_at' end,
            case when {{ is_future_dated('event_at_utc') }} then 'future_event_at' end,
            case when {{ is_future_dated('received_at_utc') }} then 'future_received_at' end,
            case when event_type_label is null then 'unmapped_event_type' end,
            case when delivery_rank > 1 then 'duplicate_event_id' end
        ), '') as rejection_reasons,
        nullif(concat_ws(
            ',',
            case when {{ clean_text('email') }} is not null and email_clean is null then 'email_invalid' end,
            case when nullif(trim(received_at), '') is not null and received_at_utc is null then 'received_at_unparseable' end
        ), '') as dq_flags
    from versioned
),

final as (
    select
        -- keys
        raw_row_id,
        event_id_clean as normalized_event_id,
        cookie_id_clean as normalized_cookie_id,
        user_id_clean as normalized_user_id,
        {{ clean_text('session_id') }} as normalized_session_id,
        -- identity captured by forms
        email_clean as normalized_email,
        -- event
        event_type_label as normalized_event_type,
        {{ clean_text('page_path') }} as normalized_page_path,
        product_category_label as normalized_product_category,
        -- device and traffic
        device_type_label as normalized_device_type,
        user_agent_clean as normalized_user_agent,
        is_bot_user_agent as normalized_is_bot,
        utm_source_clean as normalized_utm_source,
        utm_medium_clean as normalized_utm_medium,
        utm_campaign_clean as normalized_utm_campaign,
        -- time
        event_at_utc as normalized_event_at,
        received_at_utc as normalized_received_at,
        -- quality
        dq_flags,
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }},
        -- the unit of incremental staging (last: a Spark partition column)
        {{ receipt_day('received_at_utc') }} as receipt_day
    from validated
)

select * from final
