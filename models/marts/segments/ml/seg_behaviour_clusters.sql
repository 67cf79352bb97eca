-- Behaviour clusters: every clustered profile, with its cluster as the
-- variant ("<number>: <label>", e.g. "2: recent high-frequency buyers") and
-- how typical of it the profile is (distance to the centroid, in standard
-- deviations of the scaled features).
with

clusters as (
    select * from {{ ref('ml_clusters') }}
),

cluster_labels as (
    select distinct
        cluster_number,
        cluster_label
    from {{ ref('ml_cluster_profiles') }}
),

final as (
    select
        clusters.profile_id,
        {{ dbt.concat([dbt.cast('clusters.cluster_number', dbt.type_string()), "': '", 'cluster_labels.cluster_label']) }} as segment_variant,
        clusters.distance_to_centroid
    from clusters
    inner join cluster_labels on clusters.cluster_number = cluster_labels.cluster_number
)

{{ segment_contract('final', variant='segment_variant', values={'distance_to_centroid': 'float'}) }}
