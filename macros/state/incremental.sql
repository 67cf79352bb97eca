{#-
    Incremental models that are rebuilt a day at a time.

    An incremental run recomputes whole days and replaces exactly those days
    in the table: DuckDB (and the default) delete the days present in the new
    rows and insert them (`delete+insert` keyed on the day column); Spark and
    Databricks overwrite the day partitions present in the new rows
    (`insert_overwrite` on a table partitioned by the day column). Either way
    a day is either rebuilt completely or left untouched, so a run killed
    halfway and rerun, or a sequence of runs, ends where a full refresh ends.

    Models call `{{ config(**day_partitioned_incremental('some_day')) }}` and
    put the day column last: Spark stores partition columns after the others.
-#}
{% macro day_partitioned_incremental(day_column) %}
    {{- return(adapter.dispatch('day_partitioned_incremental', 'open_segments')(day_column)) -}}
{% endmacro %}

{% macro default__day_partitioned_incremental(day_column) %}
    {{- return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': day_column,
        'on_schema_change': 'fail',
    }) -}}
{% endmacro %}

{% macro spark__day_partitioned_incremental(day_column) %}
    {{- return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': [day_column],
        'on_schema_change': 'fail',
    }) -}}
{% endmacro %}


{#-
    The day a raw event reached the collector, the unit incremental staging
    works in. A receipt time that is missing, unreadable, outside the
    plausible range (min_plausible_timestamp, max_plausible_timestamp) or
    after the load time (`is_future_dated`: a wrong clock) cannot be placed
    on a day: such rows share `unplaced_receipt_day()` and are staged again
    on every run, so none is ever left behind. A future receipt day would
    move the next run's window (`incremental_window_start`) past every real
    day, and nothing received later would be staged until a full refresh.
-#}
{% macro receipt_day(received_at) -%}
    case
        when
            {{ received_at }} is not null
            and not {{ is_implausible_timestamp(received_at) }}
            and not {{ is_future_dated(received_at) }}
            then cast({{ received_at }} as date)
        else {{ unplaced_receipt_day() }}
    end
{%- endmacro %}

{% macro unplaced_receipt_day() -%}
    cast('1900-01-01' as date)
{%- endmacro %}


{#-
    The first receipt day an incremental run restages: the latest receipt day
    already in `relation`, less var `incremental_lookback_days` (rows a
    loader delivers out of order, up to that many days behind the newest, are
    still picked up). Null when the table holds no placed day yet (the run
    then stages everything). A one-row query for a cross join.
-#}
{% macro incremental_window_start(relation, day_column) -%}
    {#- a table built before the day column existed gets a clear error (a
        unit test's `this` is a fixture name, not a relation: nothing to check) -#}
    {%- if execute and relation is not string -%}
        {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if columns and day_column | lower not in columns -%}
            {{ exceptions.raise_compiler_error(
                relation ~ " has no column " ~ day_column ~ ": it was built before this model was"
                ~ " incremental by day. Rebuild it and what depends on it once: dbt build"
                ~ " --full-refresh --select " ~ model.name ~ "+") }}
        {%- endif -%}
    {%- endif %}
    select
        cast({{ dbt.dateadd('day', -var('incremental_lookback_days'), 'max(' ~ day_column ~ ')') }} as date)
            as starts_on
    from {{ relation }}
    where {{ day_column }} <> {{ unplaced_receipt_day() }}
{%- endmacro %}


{#-
    The event days an incremental run of a day-partitioned fact over the
    staged web events rebuilds: the days of the events staging placed on
    receipt days from the fact's latest `last_receipt_day` less
    `incremental_lookback_days` on, and of the events whose receipt day is
    unknown (restaged on every run). Every day when the fact is empty. A
    query of one column, `event_day`.
-#}
{% macro changed_event_days(web_events) -%}
    select distinct cast(web_events.event_at as date) as event_day
    from {{ web_events }} as web_events
    cross join ({{ incremental_window_start(this, 'last_receipt_day') }}) as load_window
    where
        web_events.receipt_day = {{ unplaced_receipt_day() }}
        or load_window.starts_on is null
        or web_events.receipt_day >= load_window.starts_on
{%- endmacro %}


{#-
    The staged web events a day fact over them (models/intermediate/events)
    reads: all of them in a full build, and in an incremental run only the
    events of the days it rebuilds (`changed_event_days`), every event of
    each such day.

    With them `visitor_id`, the key the facts and identity group a visitor's
    events by: the cookie id, or `user:<user_id>` for an event with a login
    and no cookie (the contract allows it: server-side and app events), so
    such events build sessions, carts and category views like any other and
    identity links them to the customer through the login. Staging rejects
    events with neither. A real cookie id spelled `user:<id>` would share
    the key of that login's cookie-less events.
-#}
{% macro web_events_of_days_to_rebuild() -%}
    select
        web_events.*,
        case
            when web_events.cookie_id is not null then web_events.cookie_id
            when web_events.user_id is not null then {{ dbt.concat(["'user:'", 'web_events.user_id']) }}
        end as visitor_id
    from {{ ref('stg_web__events') }} as web_events
    {%- if is_incremental() %}
    inner join ({{ changed_event_days(ref('stg_web__events')) }}) as changed_days
        on cast(web_events.event_at as date) = changed_days.event_day
    {%- endif %}
{%- endmacro %}
