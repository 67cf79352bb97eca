-- What each behavioural cluster is: its size, the mean of every clustering
-- feature in original units beside the population's, how far it stands out
-- on each, and a readable label made of the phrases
-- (seed cluster_feature_phrases) of its two most distinctive features, e.g.
-- "recent high-frequency buyers" (visitors when the cluster averages under
-- 0.1 orders a year; order features do not name such a cluster).
-- A feature that does not exist for a profile (the order value of someone who
-- never ordered) is left out of that feature's means.
-- Distinctiveness is the difference of means on log(1 + x) scale over the
-- population's standard deviation there (the features are non-negative and
-- heavy-tailed); only differences of at least 0.5 standard deviations name a
-- cluster.
-- Grain: one row per (cluster_number, feature_name).
{%- set features = var('cluster_features') %}
with

clusters as (
    select * from {{ ref('ml_clusters') }}
),

cluster_input as (
    select * from {{ ref('int_ml__cluster_input') }}
),

phrases as (
    select * from {{ ref('cluster_feature_phrases') }}
),

-- Fixed-point values, so that sums are exact and the same in every build
-- (sums of doubles depend on the order rows are added in).
joined as (
    select
        clusters.cluster_number,
        {%- for feature in features %}
        cast(cluster_input.{{ feature }} as decimal(18, 6)) as {{ feature }},
        cast(ln(1 + cluster_input.{{ feature }}) as decimal(18, 9)) as log_{{ feature }},
        {%- endfor %}
        -- buyers or visitors, whether or not orders_per_year is clustered on
        cast(cluster_input.orders_per_year as decimal(18, 6)) as label_orders_per_year
    from clusters
    inner join cluster_input on clusters.profile_id = cluster_input.profile_id
),

population as (
    select
        {%- for feature in features %}
        sum({{ feature }}) / nullif(count({{ feature }}), 0) as mean_{{ feature }},
        sum(log_{{ feature }}) / nullif(count({{ feature }}), 0) as log_mean_{{ feature }},
        -- sample standard deviation from exact sums
        sqrt(
            (sum(log_{{ feature }} * log_{{ feature }}) - sum(log_{{ feature }}) * sum(log_{{ feature }}) / count({{ feature }}))
            / nullif(count({{ feature }}) - 1, 0)
        ) as log_stddev_{{ feature }},
        {%- endfor %}
        count(*) as profiles
    from joined
),

per_cluster as (
    select
        cluster_number,
        {%- for feature in features %}
        sum({{ feature }}) / nullif(count({{ feature }}), 0) as mean_{{ feature }},
        sum(log_{{ feature }}) / nullif(count({{ feature }}), 0) as log_mean_{{ feature }},
        {%- endfor %}
        sum(label_orders_per_year) / count(*) as label_orders_per_year,
        count(*) as profiles
    from joined
    group by cluster_number
),

contrasts as (
    {%- for feature in features %}
    select
        per_cluster.cluster_number,
        per_cluster.profiles as cluster_profiles,
        cast(per_cluster.profiles as {{ type_double() }}) / population.profiles as cluster_share,
        per_cluster.label_orders_per_year as cluster_orders_per_year,
        '{{ feature }}' as feature_name,
        cast(per_cluster.mean_{{ feature }} as {{ type_double() }}) as cluster_mean,
        cast(population.mean_{{ feature }} as {{ type_double() }}) as population_mean,
        cast(
            (per_cluster.log_mean_{{ feature }} - population.log_mean_{{ feature }})
            / nullif(population.log_stddev_{{ feature }}, 0) as {{ type_double() }}
        ) as standardized_difference
    from per_cluster
    cross join population
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked as (
    select
        contrasts.*,
        phrases.high_phrase,
        phrases.low_phrase,
        -- order features do not describe a cluster that hardly orders
        (
            not coalesce(phrases.is_buyers_only, false)
            or contrasts.cluster_orders_per_year >= 0.1
        ) as is_nameable,
        row_number() over (
            partition by contrasts.cluster_number
            order by abs(coalesce(contrasts.standardized_difference, 0)) desc, contrasts.feature_name
        ) as distinction_rank
    from contrasts
    left join phrases on contrasts.feature_name = phrases.feature_name
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
            when naming.naming_rank > 2 or not naming.is_nameable then null
            when naming.standardized_difference >= 0.5 then naming.high_phrase
            when naming.standardized_difference <= -0.5 then naming.low_phrase
        end as phrase
    from naming
),

labels as (
    select
        cluster_number,
        {{ dbt.listagg('phrase', "' '", 'order by naming_rank') }} as phrase_text
    from phrased
    where phrase is not null
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
        phrased.standardized_difference,
        phrased.distinction_rank
    from phrased
    left join labels on phrased.cluster_number = labels.cluster_number
)

select * from final
