{#-
    Quarantine as a diagnosis. Every base model lists all the rules a row
    breaks in `rejection_reasons` (comma-separated, in the model's fixed
    order); these macros count them per source table, hold each table's
    share of quarantined raw rows against the thresholds of vars
    `quarantine_share_warn`, `quarantine_share_error` and
    `quarantine_share_thresholds`, and say so loudly: a warning, or an error
    that fails the table's staged model so that nothing is built on a source
    that was mostly thrown away.
-#}

{#- Every source table staging validates, with its base model. -#}
{% macro quarantined_source_tables() %}
    {{- return([
        ('crm.customers', 'base_crm__customers'),
        ('crm.orders', 'base_crm__orders'),
        ('web.events', 'base_web__events'),
        ('esp.email_events', 'base_esp__email_events'),
        ('third_party.demographics', 'base_third_party__demographics'),
        ('privacy.consent_events', 'base_privacy__consent_events'),
        ('privacy.erasure_requests', 'base_privacy__erasure_requests'),
        ('reference.currency_rates', 'base_reference__currency_rates'),
    ]) -}}
{% endmacro %}


{#- Reasons that are history rather than defects: an older version of a
    record that a newer delivery replaced. They are quarantined and counted,
    but a source delivered with its full history is not broken, so they do
    not count toward the quarantine share. -#}
{% macro history_rejection_reasons() %}
    {{- return(['superseded_version']) -}}
{% endmacro %}


{#- The warn and error shares of one source table ('crm.orders'), validated:
    numbers between 0 and 1, warn at most error, override keys known. -#}
{% macro quarantine_share_thresholds(source_table) %}
    {%- set known = quarantined_source_tables() | map(attribute=0) | list -%}
    {%- set overrides = var('quarantine_share_thresholds', {}) -%}
    {%- if overrides is none -%}
        {%- set overrides = {} -%}
    {%- endif -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var quarantine_share_thresholds must map 'source.table' to {warn: share, error: share}, got '"
            ~ overrides ~ "'") }}
    {%- endif -%}
    {%- for key, value in overrides.items() -%}
        {%- if key not in known -%}
            {{ exceptions.raise_compiler_error(
                "var quarantine_share_thresholds names '" ~ key ~ "', which is not a source table staging"
                ~ " validates (" ~ known | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if value is not mapping or (value.keys() | reject('in', ['warn', 'error']) | list) -%}
            {{ exceptions.raise_compiler_error(
                "var quarantine_share_thresholds['" ~ key ~ "'] must be {warn: share, error: share}"
                ~ " (either or both), got '" ~ value ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set default_warn = quarantine_share(var('quarantine_share_warn', 0.05), 'quarantine_share_warn') -%}
    {%- set default_error = quarantine_share(var('quarantine_share_error', 0.5), 'quarantine_share_error') -%}
    {%- if default_warn > default_error -%}
        {{ exceptions.raise_compiler_error(
            "var quarantine_share_warn (" ~ default_warn ~ ") must not exceed var quarantine_share_error ("
            ~ default_error ~ ")") }}
    {%- endif -%}
    {%- set override = overrides.get(source_table, {}) -%}
    {%- set name = "quarantine_share_thresholds['" ~ source_table ~ "']" -%}
    {%- set warn = quarantine_share(override['warn'], name ~ '.warn') if 'warn' in override else default_warn -%}
    {%- set error = quarantine_share(override['error'], name ~ '.error') if 'error' in override else default_error -%}
    {%- if warn > error -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ ": the warn share (" ~ warn ~ ") must not exceed the error share (" ~ error ~ ")") }}
    {%- endif -%}
    {{- return({'warn': warn, 'error': error}) -}}
{% endmacro %}


{#- A share between 0 and 1 as a float, or an error naming the var. -#}
{% macro quarantine_share(value, var_name) %}
    {%- if value is not number or value is boolean or value < 0 or value > 1 -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " must be a number between 0 and 1 (a share of raw rows), got '" ~ value ~ "'") }}
    {%- endif -%}
    {{- return(value | float) -}}
{% endmacro %}


{#- One row for a source table: its raw rows (exact copies counted), distinct
    rows staged and quarantined, exact copies removed, and the raw rows
    quarantined for a defect (history reasons left out). -#}
{% macro quarantine_account_sql(source_table, base_relation) -%}
    select
        '{{ source_table }}' as source_table,
        cast(coalesce(sum(raw_copies), 0) as {{ dbt.type_bigint() }}) as raw_rows,
        count(case when rejection_reasons is null then 1 end) as staged_rows,
        count(rejection_reasons) as rejected_rows,
        cast(coalesce(sum(raw_copies - 1), 0) as {{ dbt.type_bigint() }}) as exact_duplicates_removed,
        cast(coalesce(sum(
            case
                when rejection_reasons is not null
                    and rejection_reasons not in ('{{ history_rejection_reasons() | join("', '") }}')
                    then raw_copies
                else 0
            end
        ), 0) as {{ dbt.type_bigint() }}) as defect_raw_rows
    from {{ base_relation }}
{%- endmacro %}


{#- One row per source table and rejection reason: the raw rows carrying it
    (a row with several reasons counts once under each) and the smallest
    raw_row_id among them, an example to look at. -#}
{% macro quarantine_reason_sql(source_table, base_relation) -%}
    select
        '{{ source_table }}' as source_table,
        reasons.rejection_reason,
        cast(sum(reasons.raw_copies) as {{ dbt.type_bigint() }}) as raw_rows,
        min(reasons.raw_row_id) as example_raw_row_id
    from (
        select
            {{ comma_list_elements('rejection_reasons') }} as rejection_reason,
            raw_copies,
            raw_row_id
        from {{ base_relation }}
        where rejection_reasons is not null
    ) as reasons
    group by reasons.rejection_reason
{%- endmacro %}


{#- The elements of a comma-separated list, one row each: a set-returning
    expression for a select list. -#}
{% macro comma_list_elements(expr) %}
    {{- return(adapter.dispatch('comma_list_elements', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__comma_list_elements(expr) -%}
    unnest(string_to_array({{ expr }}, ','))
{%- endmacro %}

{% macro duckdb__comma_list_elements(expr) -%}
    unnest(string_split({{ expr }}, ','))
{%- endmacro %}

{% macro spark__comma_list_elements(expr) -%}
    explode(split({{ expr }}, ','))
{%- endmacro %}


{#-
    Post-hook of a staged model: warns when more of its source table's raw
    rows were quarantined for a defect than the warn share, and fails the
    model (so everything built on it is skipped) above the error share. The
    message names the source, the share, the top reasons with their row
    counts and an example raw_row_id, to look up in the `_rejected` view.
    Renders no SQL.
-#}
{% macro check_quarantine_share(source_table, base_relation) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set thresholds = quarantine_share_thresholds(source_table) -%}
    {%- set account = run_query(quarantine_account_sql(source_table, base_relation)).rows[0] -%}
    {%- set raw_rows = account['raw_rows'] | int -%}
    {%- set share = (account['defect_raw_rows'] | int) / raw_rows if raw_rows > 0 else 0 -%}
    {%- if share > thresholds['warn'] -%}
        {%- set top_reasons -%}
            select rejection_reason, raw_rows, example_raw_row_id
            from ({{ quarantine_reason_sql(source_table, base_relation) }}) as reasons
            where rejection_reason not in ('{{ history_rejection_reasons() | join("', '") }}')
            order by raw_rows desc, rejection_reason
            limit 3
        {%- endset -%}
        {%- set reasons = run_query(top_reasons).rows -%}
        {%- set level = 'error' if share > thresholds['error'] else 'warn' -%}
        {%- set message = quarantine_message(
            source_table, share, raw_rows, level, thresholds[level], reasons,
            this.schema ~ '.' ~ this.identifier ~ '_rejected') -%}
        {%- if level == 'error' -%}
            {{ exceptions.raise_compiler_error(message) }}
        {%- else -%}
            {{ exceptions.warn(message) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro quarantine_message(source_table, share, raw_rows, level, threshold, reasons, rejected_relation) %}
    {%- set counts = [] -%}
    {%- for reason in reasons -%}
        {%- do counts.append(reason['rejection_reason'] ~ ' (' ~ (reason['raw_rows'] | int) ~ ' rows)') -%}
    {%- endfor -%}
    {{- return(
        'Quarantine: source ' ~ source_table ~ ' has ' ~ '%.1f' | format(share * 100) ~ '% of its '
        ~ raw_rows ~ ' raw rows quarantined, more than its ' ~ level ~ ' share ' ~ threshold
        ~ ' (vars quarantine_share_' ~ level ~ ', quarantine_share_thresholds). Top reasons: '
        ~ counts | join(', ') ~ '. Example raw_row_id: ' ~ reasons[0]['example_raw_row_id']
        ~ ' (select * from ' ~ rejected_relation ~ ').') -}}
{% endmacro %}


{#-
    Post-hook of the quarantine summary: warns when the staged orders whose
    customer_id matches no staged CRM customer are more than the orders'
    warn share of the staged orders. They stay staged (their customer may
    arrive in a later delivery); the warning says how many there are.
-#}
{% macro check_orphan_orders() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set threshold = quarantine_share_thresholds('crm.orders')['warn'] -%}
    {%- set query -%}
        select staged_rows, orphan_orders, example_orphan_raw_row_id
        from {{ this }}
        where source_table = 'crm.orders'
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- set staged = row['staged_rows'] | int -%}
    {%- set orphans = row['orphan_orders'] | int -%}
    {%- if staged > 0 and orphans / staged > threshold -%}
        {{ exceptions.warn(
            'Orphan orders: ' ~ orphans ~ ' of the ' ~ staged ~ ' staged orders of source crm.orders ('
            ~ '%.1f' | format(orphans / staged * 100) ~ '%, more than its warn share ' ~ threshold
            ~ ') have a customer_id that matches no staged crm.customers record. They are kept, not'
            ~ ' quarantined (their customers may arrive later). Example raw_row_id: '
            ~ row['example_orphan_raw_row_id'] ~ ' (in ' ~ this.schema ~ '.stg_crm__orders).') }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- The first of a row's rejection reasons (the list is in each model's fixed
    order), kept as `rejection_reason` for readers that want one code. -#}
{% macro first_rejection_reason(reasons) -%}
    {{ dbt.split_part(reasons, "','", 1) }}
{%- endmacro %}


{#- The current time in UTC, as a timestamp without time zone, read when the
    query runs: load_time() when var load_time is unset, so that a reused base
    model compiles to the same SQL on every run. -#}
{% macro utc_now() %}
    {{- return(adapter.dispatch('utc_now', 'open_segments')()) -}}
{% endmacro %}

{% macro default__utc_now() -%}
    cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro duckdb__utc_now() -%}
    cast(timezone('UTC', now()) as timestamp)
{%- endmacro %}

{% macro spark__utc_now() -%}
    to_utc_timestamp(current_timestamp(), current_timezone())
{%- endmacro %}
