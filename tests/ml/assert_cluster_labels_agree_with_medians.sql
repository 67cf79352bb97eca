-- A cluster named for a feature ("high-frequency", "recent", "new") must be on
-- that side of the population on it: its mean at least
-- cluster_label_min_difference() population standard deviations (log scale)
-- away, its median strictly beyond the population's median, and the phrase in
-- its label. Returns the features whose phrase contradicts the cluster.
{%- set min_difference = cluster_label_min_difference() %}
with

profiles as (
    select * from {{ ref('ml_cluster_profiles') }}
),

phrases as (
    select * from {{ ref('cluster_feature_phrases') }}
),

checked as (
    select
        profiles.cluster_number,
        profiles.cluster_label,
        profiles.feature_name,
        profiles.label_side,
        profiles.label_phrase,
        profiles.standardized_difference,
        profiles.cluster_median,
        profiles.population_median,
        case profiles.label_side
            when 'high'
                then
                    profiles.standardized_difference >= {{ min_difference }}
                    and profiles.cluster_median > profiles.population_median
                    and profiles.label_phrase = phrases.high_phrase
            when 'low'
                then
                    profiles.standardized_difference <= -{{ min_difference }}
                    and profiles.cluster_median < profiles.population_median
                    and profiles.label_phrase = phrases.low_phrase
            else false
        end as is_consistent,
        {{ dbt.position('profiles.label_phrase', 'profiles.cluster_label') }} > 0 as is_in_label
    from profiles
    left join phrases on profiles.feature_name = phrases.feature_name
    where profiles.label_phrase is not null
)

select * from checked
where not coalesce(is_consistent and is_in_label, false)
