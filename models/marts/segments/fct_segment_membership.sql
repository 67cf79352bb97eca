-- Who is in which segment as of the as-of date, and why: one row per profile
-- per segment (and variant: the category of category_interest, the grid cell
-- of rfm), with the values that put the profile there. Every segment model
-- in the project graph (a seg_<segment_id> model whose YAML entry declares
-- config.meta.segment; cluster and model segments where dbt Python models
-- run) emits the segment contract (macros/segments/contract.sql): profile_id,
-- segment_variant, qualifying_values; this model unions those columns. Each
-- profile's primary segment is its member segment of smallest priority
-- (ties: segment_id, then variant).
-- Grain: one row per (profile_id, segment_id, segment_variant).
--
-- dbt draws its DAG when it parses, before the graph exists, so the segment
-- models this one reads are named once more below for the DAG alone. A
-- segment model missing there stops the build with a message saying the
-- line to add.
-- depends_on: {{ ref('seg_frequent_buyers') }}
-- depends_on: {{ ref('seg_high_value') }}
-- depends_on: {{ ref('seg_new_customers') }}
-- depends_on: {{ ref('seg_cart_abandoners') }}
-- depends_on: {{ ref('seg_at_risk') }}
-- depends_on: {{ ref('seg_lapsed') }}
-- depends_on: {{ ref('seg_category_interest') }}
-- depends_on: {{ ref('seg_email_engaged') }}
-- depends_on: {{ ref('seg_recent_visitors') }}
-- depends_on: {{ ref('seg_casual_browsers') }}
-- depends_on: {{ ref('seg_rfm') }}
{%- if python_models_enabled() %}
-- depends_on: {{ ref('seg_likely_buyers') }}
-- depends_on: {{ ref('seg_churn_risk') }}
-- depends_on: {{ ref('seg_lookalikes') }}
-- depends_on: {{ ref('seg_behaviour_clusters') }}
{%- endif %}
{%- set segments = built_segment_registry() %}
with

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

members as (
    {%- for segment_id, segment in segments.items() %}
    select
        profile_id,
        '{{ segment_id }}' as segment_id,
        segment_variant,
        {{ segment.priority }} as segment_priority,
        qualifying_values
    from {{ segment_relation(segment_id) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked as (
    select
        members.*,
        row_number() over (
            partition by members.profile_id
            order by members.segment_priority asc, members.segment_id asc, members.segment_variant asc
        ) as priority_rank
    from members
),

final as (
    select
        as_of.as_of_date,
        ranked.profile_id,
        ranked.segment_id,
        ranked.segment_variant,
        ranked.segment_priority,
        ranked.priority_rank = 1 as is_primary,
        ranked.qualifying_values
    from ranked
    cross join as_of
)

select * from final
