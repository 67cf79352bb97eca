{#- How far, in population standard deviations of log(1 + feature), a
    cluster's mean must lie from the population's before the feature may name
    the cluster (ml_cluster_profiles and the test that checks its labels). -#}
{% macro cluster_label_min_difference() %}
    {{- return(0.5) -}}
{% endmacro %}
