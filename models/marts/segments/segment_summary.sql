-- Every segment, once per build date (as-of date), kept across builds: its
-- size, who entered and who left since the previous build, what its members
-- spent in the last 30 days, their purchase propensity (sum and mean over
-- the scored members), and how many of the previous build's members have
-- ordered since (the conversion rate). Each build adds the rows of its as-of
-- date to this table's previous contents (building a date again replaces
-- that date's rows; other dates are kept), so the table is the daily trend
-- that BI charts, without re-reading the past.
-- Entered and exited compare profiles, not variants: a move between RFM cells
-- is no entry. The first build has no previous build: everyone entered, and
-- conversion is null. Rows are aggregates: an erased profile leaves the
-- counts from its erasure on, earlier days keep their totals.
-- Grain: one row per (as_of_date, segment_id).
{%- set previous = previous_build() %}
with

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

segments as (
    select * from {{ ref('dim_segments') }}
),

membership as (
    select * from {{ ref('fct_segment_membership') }}
),

history as (
    select * from {{ ref('fct_segment_membership_history') }}
),

features as (
    select * from {{ ref('int_customer__features') }}
),

scores as (
    {{ propensity_scores() }}
),

-- Earlier builds' rows (a rebuild of this as-of date replaces its own).
recorded as (
    {%- if previous is not none %}
    select
        as_of_date,
        segment_id,
        members,
        entered,
        exited,
        member_revenue_30d,
        scored_members,
        purchase_propensity_sum,
        average_purchase_propensity,
        previous_as_of_date,
        previous_members,
        converted_members,
        conversion_rate
    from {{ previous }}
    where as_of_date <> (select as_of_date from as_of)
    {%- else %}
    select
        cast(null as date) as as_of_date,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_bigint() }}) as members,
        cast(null as {{ dbt.type_bigint() }}) as entered,
        cast(null as {{ dbt.type_bigint() }}) as exited,
        cast(null as decimal(38, 2)) as member_revenue_30d,
        cast(null as {{ dbt.type_bigint() }}) as scored_members,
        cast(null as {{ type_double() }}) as purchase_propensity_sum,
        cast(null as {{ type_double() }}) as average_purchase_propensity,
        cast(null as date) as previous_as_of_date,
        cast(null as {{ dbt.type_bigint() }}) as previous_members,
        cast(null as {{ dbt.type_bigint() }}) as converted_members,
        cast(null as {{ type_double() }}) as conversion_rate
    where 1 = 0
    {%- endif %}
),

previous_date as (
    select max(recorded.as_of_date) as previous_as_of_date
    from recorded
    cross join as_of
    where recorded.as_of_date < as_of.as_of_date
),

members as (
    select distinct
        profile_id,
        segment_id
    from membership
),

previous_members as (
    select distinct
        history.profile_id,
        history.segment_id
    from history
    cross join previous_date
    where history.valid_from <= previous_date.previous_as_of_date
        and (history.valid_to is null or history.valid_to > previous_date.previous_as_of_date)
),

-- Profiles whose latest completed order (up to this as-of date) came after
-- the previous build date.
buyers as (
    select features.profile_id
    from features
    cross join previous_date
    where cast(features.last_order_at as date) > previous_date.previous_as_of_date
),

current_counts as (
    select
        members.segment_id,
        count(*) as members,
        sum(case when previous_members.profile_id is null then 1 else 0 end) as entered,
        sum(features.revenue_30d) as member_revenue_30d,
        count(scores.probability) as scored_members,
        -- summed as exact decimals: a sum of doubles changes in its last bits
        -- with the order the engine adds them in, and rebuilds must match
        sum(cast(scores.probability as decimal(38, 15))) as purchase_propensity_sum
    from members
    left join previous_members
        on members.profile_id = previous_members.profile_id
            and members.segment_id = previous_members.segment_id
    left join features
        on members.profile_id = features.profile_id
    left join scores
        on members.profile_id = scores.profile_id
            and scores.target = 'purchase'
    group by members.segment_id
),

previous_counts as (
    select
        previous_members.segment_id,
        count(*) as previous_members,
        sum(case when members.profile_id is null then 1 else 0 end) as exited,
        sum(case when buyers.profile_id is not null then 1 else 0 end) as converted_members
    from previous_members
    left join members
        on previous_members.profile_id = members.profile_id
            and previous_members.segment_id = members.segment_id
    left join buyers
        on previous_members.profile_id = buyers.profile_id
    group by previous_members.segment_id
),

this_build as (
    select
        as_of.as_of_date,
        segments.segment_id,
        cast(coalesce(current_counts.members, 0) as {{ dbt.type_bigint() }}) as members,
        cast(coalesce(current_counts.entered, 0) as {{ dbt.type_bigint() }}) as entered,
        cast(coalesce(previous_counts.exited, 0) as {{ dbt.type_bigint() }}) as exited,
        cast(coalesce(current_counts.member_revenue_30d, 0) as decimal(38, 2)) as member_revenue_30d,
        cast(coalesce(current_counts.scored_members, 0) as {{ dbt.type_bigint() }}) as scored_members,
        cast(current_counts.purchase_propensity_sum as {{ type_double() }}) as purchase_propensity_sum,
        cast(current_counts.purchase_propensity_sum as {{ type_double() }})
        / nullif(current_counts.scored_members, 0) as average_purchase_propensity,
        previous_date.previous_as_of_date,
        cast(
            case when previous_date.previous_as_of_date is not null then coalesce(previous_counts.previous_members, 0) end
            as {{ dbt.type_bigint() }}
        ) as previous_members,
        cast(
            case when previous_date.previous_as_of_date is not null then coalesce(previous_counts.converted_members, 0) end
            as {{ dbt.type_bigint() }}
        ) as converted_members,
        cast(previous_counts.converted_members as {{ type_double() }})
        / nullif(previous_counts.previous_members, 0) as conversion_rate
    from segments
    cross join as_of
    cross join previous_date
    left join current_counts
        on segments.segment_id = current_counts.segment_id
    left join previous_counts
        on segments.segment_id = previous_counts.segment_id
),

final as (
    select * from recorded
    union all
    select * from this_build
)

select * from final
