-- What each behavioural cluster is: its size, the mean and median of every
-- feature the clustering used (ml_cluster_selection: absent and constant
-- features are left out) in original units beside the population's, how far
-- it stands out on each, and a readable label made of the phrases
-- (seed cluster_feature_phrases) of its two most distinctive features, e.g.
-- "recent high-frequency buyers" (visitors when the cluster averages under
-- 0.1 orders a year; order features do not name such a cluster).
-- A feature that does not exist for a profile (the order value of someone who
-- never ordered) is left out of that feature's means and medians.
-- Distinctiveness is the difference of means on log(1 + x) scale over the
-- population's standard deviation there (the features are non-negative and
-- heavy-tailed). A feature names the cluster only when that difference is at
-- least cluster_label_min_difference() and the cluster's median lies on the
-- same side of the population's median: a mean pulled up by a few extreme
-- customers must not call a cluster of mostly ordinary ones "high-frequency".
-- Grain: one row per (cluster_number, feature_name).
{%- set features = var('cluster_features') %}
{%- set min_difference = cluster_label_min_difference() %}
with

clusters as (
    select * from {{ ref('ml_clusters') }}
),

cluster_input as (
    select * from {{ ref('int_ml__cluster_input') }}
),

selection as (
    select * from {{ ref('ml_cluster_selection') }}
),

phrases as (
    select * from {{ ref('cluster_feature_phrases') }}
),

-- the features the chosen clustering used, as ",a,b," to look names up in
used_features as (
    select {{ dbt.concat(["','", 'features', "','"]) }} as feature_list
    from selection
    where is_chosen
),

-- Fixed-point values, so that sums are exact and the same in every build
-- (sums of doubles depend on the order rows are added in). 22 integer digits:
-- one purchase day can hold many orders of the largest plausible amount, so
-- an average order value can pass 1e12 (their sums widen to 38 digits).
joined as (
    select
        clusters.cluster_number,
        {%- for feature in features %}
        cast(cluster_input.{{ feature }} as decimal(28, 6)) as {{ feature }},
        {%- endfor %}
        -- buyers or visitors, whether or not orders_per_year is clustered on
        cast(cluster_input.orders_per_year as decimal(28, 6)) as label_orders_per_year
    from clusters
    inner join cluster_input on clusters.profile_id = cluster_input.profile_id
),

-- one row per profile and candidate feature
candidate_values as (
    {%- for feature in features %}
    select
        cluster_number,
        '{{ feature }}' as feature_name,
        {{ feature }} as feature_value,
        cast(ln(1 + {{ feature }}) as decimal(18, 9)) as log_value,
        label_orders_per_year
    from joined
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

feature_values as (
    select candidate_values.*
    from candidate_values
    inner join used_features
        on {{ dbt.position(dbt.concat(["','", 'candidate_values.feature_name', "','"]), 'used_features.feature_list') }} > 0
),

population as (
    select
        feature_name,
        sum(feature_value) / nullif(count(feature_value), 0) as population_mean,
        cast({{ median('feature_value') }} as {{ type_double() }}) as population_median,
        sum(log_value) / nullif(count(feature_value), 0) as log_mean,
        -- sample standard deviation from exact sums
        sqrt(
            (sum(log_value * log_value) - sum(log_value) * sum(log_value) / count(feature_value))
            / nullif(count(feature_value) - 1, 0)
        ) as log_stddev,
        count(*) as profiles
    from feature_values
    group by feature_name
),

per_cluster as (
    select
        cluster_number,
        feature_name,
        sum(feature_value) / nullif(count(feature_value), 0) as cluster_mean,
        cast({{ median('feature_value') }} as {{ type_double() }}) as cluster_median,
        sum(log_value) / nullif(count(feature_value), 0) as log_mean,
        sum(label_orders_per_year) / count(*) as cluster_orders_per_year,
        count(*) as profiles
    from feature_values
    group by cluster_number, feature_name
),

contrasts as (
    select
        per_cluster.cluster_number,
        per_cluster.profiles as cluster_profiles,
        cast(per_cluster.profiles as {{ type_double() }}) / population.profiles as cluster_share,
        per_cluster.cluster_orders_per_year,
        per_cluster.feature_name,
        cast(per_cluster.cluster_mean as {{ type_double() }}) as cluster_mean,
        cast(population.population_mean as {{ type_double() }}) as population_mean,
        per_cluster.cluster_median,
        population.population_median,
        cast(
            (per_cluster.log_mean - population.log_mean) / nullif(population.log_stddev, 0)
            as {{ type_double() }}
        ) as standardized_difference
    from per_cluster
    inner join population on per_cluster.feature_name = population.feature_name
),

-- the side a feature may name the cluster by: its mean and its median agree
sided as (
    select
        contrasts.*,
        case
            when
                contrasts.standardized_difference >= {{ min_difference }}
                and contrasts.cluster_median > contrasts.population_median
                then 'high'
            when
                contrasts.standardized_difference <= -{{ min_difference }}
                and contrasts.cluster_median < contrasts.population_median
                then 'low'
        end as side
    from contrasts
),

ranked as (
    select
        sided.*,
        phrases.high_phrase,
        phrases.low_phrase,
        -- order features do not describe a cluster that hardly orders
        (
            sided.side is not null
            and (not coalesce(phrases.is_buyers_only, false) or sided.cluster_orders_per_year >= 0.1)
        ) as is_nameable,
        row_number() over (
            partition by sided.cluster_number
            order by abs(coalesce(sided.standardized_difference, 0)) desc, sided.feature_name
        ) as distinction_rank
    from sided
    left join phrases on sided.feature_name = phrases.feature_name
),

-- the two most distinctive features that may name the cluster
naming as (
    select
        ranked.*,
        row_number() over (
            partition by ranked.cluster_number
            order by
                case when ranked.is_nameable then 0 else 1 end,
                ranked.distinction_rank
        ) as naming_rank
    from ranked
),

phrased as (
    select
        naming.*,
        case
            -- DBSCAN noise has no name of its own
            when naming.cluster_number = 0 or naming.naming_rank > 2 or not naming.is_nameable then null
            when naming.side = 'high' then naming.high_phrase
            else naming.low_phrase
        end as label_phrase
    from naming
),

labels as (
    select
        cluster_number,
        {{ dbt.listagg('label_phrase', "' '", 'order by naming_rank') }} as phrase_text
    from phrased
    where label_phrase is not null
    group by cluster_number
),

final as (
    select
        phrased.cluster_number,
        case
            -- DBSCAN noise
            when phrased.cluster_number = 0 then 'unclustered'
            else {{ dbt.concat([
                "coalesce(labels.phrase_text, 'typical')",
                "case when phrased.cluster_orders_per_year < 0.1 then ' visitors' else ' buyers' end",
            ]) }}
        end as cluster_label,
        phrased.cluster_profiles,
        phrased.cluster_share,
        phrased.feature_name,
        phrased.cluster_mean,
        phrased.population_mean,
        phrased.cluster_median,
        phrased.population_median,
        phrased.standardized_difference,
        phrased.distinction_rank,
        case when phrased.label_phrase is not null then phrased.side end as label_side,
        phrased.label_phrase
    from phrased
    left join labels on phrased.cluster_number = labels.cluster_number
)

select * from final
