{#- The per-profile aggregates that the customer features and the propensity
    snapshots share, written once and evaluated at a snapshot `offset` days
    before the as-of date: int_customer__features is offset 0,
    int_ml__propensity_snapshots every offset it learns from. Each reads rows
    of a feature model (int_features__orders, __web_sessions, __carts) or of
    the email opens, which carry `age_days` (whole days before the as-of date,
    macros/features/as_of.sql). At offset o a row exists iff its age is at
    least o, and ages are counted from the snapshot (age_days - o); so offset o
    gives what the features would be with as_of_date o days earlier.
    `suffix` tells the columns of one offset apart when one aggregate computes
    several offsets in a single pass. -#}

{#- The rows an aggregate at `offset` reads, within `days` of the snapshot
    when given: the snapshot day and the `days` - 1 before it. -#}
{% macro seen_at_offset(offset, days=none) -%}
    age_days >= {{ offset }}
    {%- if days is not none %} and age_days < {{ offset + days }}{% endif %}
{%- endmacro %}


{#- Completed orders (counted by `counts_as_order`: rows or days, var
    order_frequency_unit) and their revenue (every completed row), over the
    lifetime and each window of var feature_order_windows_days; days since the
    last and the first completed order. -#}
{% macro order_aggregates(offset, suffix='') -%}
    count(case when counts_as_order and {{ seen_at_offset(offset) }} then 1 end) as orders_lifetime{{ suffix }},
    sum(case when is_completed and {{ seen_at_offset(offset) }} then amount_reporting else 0 end)
        as revenue_lifetime{{ suffix }},
    {%- for days in var('feature_order_windows_days') %}
    count(case when counts_as_order and {{ seen_at_offset(offset, days) }} then 1 end) as orders_{{ days }}d{{ suffix }},
    sum(case when is_completed and {{ seen_at_offset(offset, days) }} then amount_reporting else 0 end)
        as revenue_{{ days }}d{{ suffix }},
    {%- endfor %}
    min(case when is_completed and {{ seen_at_offset(offset) }} then age_days - {{ offset }} end)
        as days_since_last_order{{ suffix }},
    max(case when is_completed and {{ seen_at_offset(offset) }} then age_days - {{ offset }} end)
        as days_since_first_order{{ suffix }}
{%- endmacro %}


{#- Sessions over the lifetime and each window of `windows` (days), and days
    since the last one. -#}
{% macro session_aggregates(offset, windows, suffix='') -%}
    count(case when {{ seen_at_offset(offset) }} then 1 end) as sessions_lifetime{{ suffix }},
    {%- for days in windows %}
    count(case when {{ seen_at_offset(offset, days) }} then 1 end) as sessions_{{ days }}d{{ suffix }},
    {%- endfor %}
    min(case when {{ seen_at_offset(offset) }} then age_days - {{ offset }} end) as days_since_last_visit{{ suffix }}
{%- endmacro %}


{#- Adds to cart in each window of `windows` (days). Whether a cart was
    abandoned is left out: it is judged at the as-of date, after the
    purchases that followed it, which a snapshot must not read. -#}
{% macro cart_aggregates(offset, windows, suffix='') -%}
    {%- for days in windows %}
    count(case when {{ seen_at_offset(offset, days) }} then 1 end) as carts_{{ days }}d{{ suffix }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- Email opens (one row per open event) in each window of `windows` (days),
    and days since the last one. -#}
{% macro email_open_aggregates(offset, windows, suffix='') -%}
    {%- for days in windows %}
    count(case when {{ seen_at_offset(offset, days) }} then 1 end) as email_opens_{{ days }}d{{ suffix }},
    {%- endfor %}
    min(case when {{ seen_at_offset(offset) }} then age_days - {{ offset }} end) as days_since_last_open{{ suffix }}
{%- endmacro %}
