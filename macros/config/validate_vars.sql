{#-
    Every var of the project, type-checked before anything runs.

    A value of the wrong type does not fail loudly on its own: YAML and
    `--vars` hand strings where numbers were meant ("-1 or true" pasted into
    a threshold puts every profile in a segment), non-empty strings are true
    in Jinja (`consent_default_granted: {email: "false"}` grants consent) and
    a date like '2026-02-30' only fails deep in a model. So every var has a
    declared type here, `validate_vars` (the first on-run-start hook) checks
    the value the run sees against it, and the first problem stops the run
    with an error naming the var, the expected type and the value. A test
    (tests/python/test_config_validation.py) keeps this list and the vars of
    dbt_project.yml the same.

    Types: boolean, integer, number (with min / max), date ('YYYY-MM-DD'),
    timestamp, country (ISO alpha-2), currency (ISO 4217), timezone,
    identifier (lowercase SQL name), label (letters, digits, '_', '-', '.'),
    text (entered in SQL only as an escaped literal), enum (`values`), list
    (`of` an item type, with min_items / max_items), mapping (`of` a value type and the allowed `keys`),
    and structure (a nested setting checked where it is used, by its own
    validation macro). `nullable` allows null.
-#}
{% macro var_types() %}
    {%- set positive_int = {'type': 'integer', 'min': 1} -%}
    {%- set non_negative_int = {'type': 'integer', 'min': 0} -%}
    {%- set non_negative = {'type': 'number', 'min': 0} -%}
    {%- set share = {'type': 'number', 'min': 0, 'max': 1} -%}
    {%- set identifiers = {'type': 'list', 'of': {'type': 'identifier'}} -%}
    {#- at most 62 rules: a rule proposes a pair through one bit of a 64-bit
        integer (int_identity__candidate_pairs) -#}
    {%- set blocking_rules = {'type': 'list', 'min_items': 1, 'max_items': 62,
        'of': {'type': 'list', 'min_items': 1, 'of': {'type': 'identifier'}}} -%}
    {{ return({
        'raw_location': {'type': 'text', 'nullable': true},
        'raw_locations': {'type': 'mapping', 'of': {'type': 'text'}},
        'raw_mappings': {'type': 'structure'},
        'raw_csv_dialect': {'type': 'structure', 'nullable': true},
        'raw_csv_dialects': {'type': 'structure', 'nullable': true},
        'raw_contract_schema': {'type': 'identifier'},
        'incremental_lookback_days': non_negative_int,
        'default_country': {'type': 'country'},
        'source_timezone': {'type': 'timezone'},
        'timezone_abbreviations': {'type': 'mapping', 'of': {'type': 'text'}},
        'min_plausible_timestamp': {'type': 'date'},
        'max_plausible_timestamp': {'type': 'date'},
        'load_time': {'type': 'timestamp', 'nullable': true},
        'clock_skew_tolerance_minutes': non_negative_int,
        'day_first_dates': {'type': 'boolean'},
        'min_birth_date': {'type': 'date'},
        'max_name_length': positive_int,
        'max_address_length': positive_int,
        'default_order_status': {'type': 'identifier'},
        'bot_user_agent_pattern': {'type': 'text'},
        'reporting_currency': {'type': 'currency'},
        'max_plausible_order_amount': {'type': 'number', 'min': 0, 'max': 1000000000000},
        'quarantine_share_warn': share,
        'quarantine_share_error': share,
        'quarantine_share_thresholds': {'type': 'structure'},
        'identity_identifier_rules': {'type': 'structure'},
        'identity_blocked_patterns': {'type': 'mapping', 'of': {'type': 'text'}},
        'identity_address_noise_words': {'type': 'text'},
        'identity_blocking_rules': blocking_rules,
        'identity_max_block_size': positive_int,
        'identity_block_orderings': positive_int,
        'identity_comparisons': {'type': 'structure'},
        'identity_term_frequency_max_bonus': non_negative,
        'identity_u_pairs_per_record': positive_int,
        'identity_u_max_pairs': positive_int,
        'identity_em_max_iterations': positive_int,
        'identity_match_weights': {'type': 'text', 'nullable': true},
        'identity_match_threshold': share,
        'identity_max_component_rounds': positive_int,
        'identity_max_component_size': positive_int,
        'as_of_date': {'type': 'date', 'nullable': true},
        'feature_order_windows_days': {'type': 'list', 'of': positive_int},
        'session_inactivity_minutes': positive_int,
        'web_activity_window_days': positive_int,
        'cart_abandonment_window_hours': positive_int,
        'email_window_days': positive_int,
        'engagement_half_life_days': {'type': 'number', 'min': 0.001},
        'engagement_weights': {
            'type': 'mapping', 'of': non_negative, 'keys': ['session', 'order', 'email_open', 'email_click']},
        'segment_thresholds': {'type': 'structure'},
        'ml_seed': non_negative_int,
        'cluster_method': {'type': 'enum', 'values': ['kmeans', 'hierarchical', 'dbscan']},
        'cluster_k_values': {'type': 'list', 'of': {'type': 'integer', 'min': 2}},
        'cluster_features': identifiers,
        'cluster_training_sample': positive_int,
        'cluster_silhouette_sample': positive_int,
        'cluster_bootstrap_rounds': non_negative_int,
        'cluster_tenure_max_days': positive_int,
        'propensity_horizon_days': positive_int,
        'churn_horizon_days': positive_int,
        'churn_active_days': positive_int,
        'propensity_training_snapshots': positive_int,
        'propensity_training_sample': positive_int,
        'ml_min_training_rows': positive_int,
        'ml_min_test_rows': positive_int,
        'ml_min_class_rows': positive_int,
        'ml_min_auc_gain': {'type': 'number', 'min': -1, 'max': 1},
        'ml_unserved_model': {'type': 'enum', 'values': ['error', 'warn']},
        'lookalike_min_seed_members': positive_int,
        'lookalike_min_auc': share,
        'propensity_horizon_beyond_history': {'type': 'enum', 'values': ['error', 'unserved']},
        'order_frequency_unit': {'type': 'enum', 'values': ['order_days', 'order_rows']},
        'rule_suggestion_features': identifiers,
        'rule_suggestion_max_depth': positive_int,
        'rule_suggestion_min_lift': non_negative,
        'lookalike_seed_segment': {'type': 'identifier'},
        'lookalike_training_sample': positive_int,
        'drift_sample': positive_int,
        'consent_default_granted': {
            'type': 'mapping', 'of': {'type': 'boolean'}, 'keys': ['email', 'ads', 'analytics']},
        'privacy_unreadable_rows': {'type': 'enum', 'values': ['error', 'warn']},
        'time_spine_start': {'type': 'date'},
        'time_spine_end': {'type': 'date'},
        'activation_audiences': identifiers,
        'activation_experiment': {'type': 'label'},
        'activation_holdout_share': share,
        'activation_stratify_by': {'type': 'enum', 'values': ['primary_segment', 'cluster'], 'nullable': true},
        'profile_survivorship': {'type': 'structure'},
        'python_models_enabled': {'type': 'boolean', 'nullable': true},
    }) }}
{% endmacro %}


{#- Vars of earlier versions that are gone, with where their setting lives
    now: passing one stops the run with that message rather than having it
    silently ignored. -#}
{% macro retired_vars() %}
    {%- set moved = {
        'frequent_buyers_min_orders_30d': ['frequent_buyers', 'orders_30d_above'],
        'frequent_buyers_min_pages_per_session': ['frequent_buyers', 'pages_per_session_above'],
        'casual_browsers_max_pages_per_session': ['casual_browsers', 'pages_per_session_below'],
        'casual_browsers_min_days_without_order': ['casual_browsers', 'days_since_last_order_at_least'],
        'high_value_top_share': ['high_value', 'spend_rank_share_below'],
        'recent_visitors_max_days': ['recent_visitors', 'days_since_last_visit_below'],
        'cart_abandoners_min_abandoned_carts': ['cart_abandoners', 'abandoned_carts_at_least'],
        'category_interest_min_views': ['category_interest', 'views_above'],
        'category_interest_purchase_lookback_days': ['category_interest', 'days_since_last_order_at_least'],
        'new_customers_max_days': ['new_customers', 'first_order_age_days_below'],
        'at_risk_gap_multiple': ['at_risk', 'gap_multiple_above'],
        'lapsed_min_days': ['lapsed', 'days_since_last_order_at_least'],
        'email_engaged_min_sends': ['email_engaged', 'sends_at_least'],
        'email_engaged_min_open_rate': ['email_engaged', 'open_rate_at_least'],
        'likely_buyers_min_decile': ['likely_buyers', 'decile_at_least'],
        'churn_risk_min_decile': ['churn_risk', 'decile_at_least'],
        'lookalike_min_percentile': ['lookalikes', 'percentile_at_least'],
    } -%}
    {%- set retired = {} -%}
    {%- for name, place in moved.items() -%}
        {%- do retired.update({name: "is replaced by var segment_thresholds: {" ~ place[0] ~ ": {" ~ place[1]
            ~ ": <value>}} (docs/segments.md)"}) -%}
    {%- endfor -%}
    {%- do retired.update({'segment_registry': "is gone: each segment is declared in its model's YAML entry, "
        ~ "config.meta.segment (docs/segments.md); thresholds are overridden with var segment_thresholds"}) -%}
    {{ return(retired) }}
{% endmacro %}


{#- on-run-start: stops the run at the first var whose value is not of its
    declared type, or that is retired. Vars that are not set anywhere are
    skipped (their model supplies the default). Then checks the segments'
    declarations and var segment_thresholds (macros/segments/registry.sql). -#}
{% macro validate_vars() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- for name, problem in retired_vars().items() if var.has_var(name) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " " ~ problem) }}
    {%- endfor -%}
    {%- for name, spec in var_types().items() -%}
        {%- if var.has_var(name) -%}
            {%- set problem = var_type_problem(var(name), spec) -%}
            {%- if problem -%}
                {{ exceptions.raise_compiler_error(
                    "var " ~ name ~ " " ~ problem ~ ", got " ~ shown_value(var(name))
                    ~ ". Set it in dbt_project.yml or with --vars; its comment in dbt_project.yml says what it does.") }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do segment_registry() -%}
    {{ return('') }}
{% endmacro %}


{#- A value as the error shows it: text in quotes, the rest as YAML writes it. -#}
{% macro shown_value(value) %}
    {{ return("'" ~ value ~ "'" if value is string else (value | tojson | replace('\\u0027', "'"))) }}
{% endmacro %}


{#- What is wrong with `value` for `spec`, or '' when nothing is. -#}
{% macro var_type_problem(value, spec) %}
    {%- set kind = spec.type -%}
    {%- if value is none -%}
        {{ return('' if spec.get('nullable', false) or kind == 'structure' else 'must be set (it may not be null)') }}
    {%- endif -%}
    {%- set patterns = {
        'country': ['^[A-Z]{2}$', 'must be an ISO 3166-1 alpha-2 country code in capitals such as AU or US'],
        'currency': ['^[A-Z]{3}$', 'must be an ISO 4217 currency code in capitals such as AUD or USD'],
        'timezone': ['^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$',
            "must be an IANA time zone name such as 'UTC' or 'America/New_York'"],
        'identifier': ['^[a-z_][a-z0-9_]*$', 'must be a name of lowercase letters, digits and underscores'],
        'label': ['^[A-Za-z0-9][A-Za-z0-9_.-]*$', 'must be letters, digits, underscores, dashes and dots'],
    } -%}
    {%- if kind == 'boolean' -%}
        {{ return('' if value is sameas true or value is sameas false
            else "must be true or false (a YAML boolean, not text such as 'false')") }}
    {%- elif kind in ('integer', 'number') -%}
        {%- if value is sameas true or value is sameas false or value is not number -%}
            {{ return('must be a number (not text)') }}
        {%- endif -%}
        {%- if kind == 'integer' and value != (value | int) -%}
            {{ return('must be a whole number') }}
        {%- endif -%}
        {%- if value != value or value > 1e308 or value < -1e308 -%}
            {{ return('must be a finite number') }}
        {%- endif -%}
        {%- if spec.get('min') is not none and value < spec.min -%}
            {{ return('must be at least ' ~ spec.min) }}
        {%- endif -%}
        {%- if spec.get('max') is not none and value > spec.max -%}
            {{ return('must be at most ' ~ spec.max) }}
        {%- endif -%}
        {{ return('') }}
    {%- elif kind in ('date', 'timestamp') -%}
        {%- set text = value | string -%}
        {%- set shape = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' if kind == 'date'
            else '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$' -%}
        {%- if not modules.re.match(shape, text) -%}
            {{ return('must be a ' ~ ('date written YYYY-MM-DD' if kind == 'date' else 'UTC timestamp written YYYY-MM-DD[ HH:MM[:SS]]')) }}
        {%- endif -%}
        {%- if not is_real_date(text[:10]) -%}
            {{ return('must be a real date') }}
        {%- endif -%}
        {{ return('') }}
    {%- elif kind in patterns -%}
        {{ return('' if value is string and modules.re.match(patterns[kind][0], value) else patterns[kind][1]) }}
    {%- elif kind == 'text' -%}
        {{ return('' if value is string else 'must be text') }}
    {%- elif kind == 'enum' -%}
        {{ return('' if value in spec['values'] else 'must be one of ' ~ (spec['values'] | join(', '))) }}
    {%- elif kind == 'list' -%}
        {%- if value is string or value is mapping or value is not iterable -%}
            {{ return('must be a list') }}
        {%- endif -%}
        {%- if spec.get('min_items') is not none and (value | length) < spec.min_items -%}
            {{ return('must have at least ' ~ spec.min_items ~ ' item(s)') }}
        {%- endif -%}
        {%- if spec.get('max_items') is not none and (value | length) > spec.max_items -%}
            {{ return('must have at most ' ~ spec.max_items ~ ' items, not ' ~ (value | length)) }}
        {%- endif -%}
        {%- for item in value -%}
            {%- set problem = var_type_problem(item, spec.of) -%}
            {%- if problem -%}
                {{ return('item ' ~ shown_value(item) ~ ' ' ~ problem) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return('') }}
    {%- elif kind == 'mapping' -%}
        {%- if value is not mapping -%}
            {{ return('must be a mapping') }}
        {%- endif -%}
        {%- for key, item in value.items() -%}
            {%- if spec.get('keys') and key not in spec['keys'] -%}
                {{ return("has an unknown key '" ~ key ~ "' (known: " ~ (spec['keys'] | join(', ')) ~ ")") }}
            {%- endif -%}
            {%- set problem = var_type_problem(item, spec.of) if spec.get('of') else '' -%}
            {%- if problem -%}
                {{ return("key '" ~ key ~ "' " ~ problem) }}
            {%- endif -%}
        {%- endfor -%}
        {{ return('') }}
    {%- elif kind == 'structure' -%}
        {{ return('') }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("var_types(): unknown type '" ~ kind ~ "'") }}
{% endmacro %}


{#- True when 'YYYY-MM-DD' names a day of the calendar (no 2026-02-30). -#}
{% macro is_real_date(text) %}
    {%- set parsed = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', text) -%}
    {%- if not parsed -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year, month, day = parsed.group(1) | int, parsed.group(2) | int, parsed.group(3) | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(year >= 1 and 1 <= month <= 12 and 1 <= day <= days[month - 1]) }}
{% endmacro %}


{#- For tests/python/test_config_validation.py: prints, as JSON, the names
    var_types() declares and the problem (or '') of each [name, value] case. -#}
{% macro check_var_values(cases=[]) %}
    {%- set types = var_types() -%}
    {%- set problems = [] -%}
    {%- for case in cases -%}
        {%- do problems.append(var_type_problem(case[1], types[case[0]])) -%}
    {%- endfor -%}
    {%- do print(tojson({'declared': types.keys() | list, 'problems': problems})) -%}
{% endmacro %}
