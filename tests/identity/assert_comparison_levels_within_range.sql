-- Every candidate pair has a level for every configured comparison, within
-- that comparison's levels: -1 (null) up to its exact level. Written over
-- var identity_comparisons, so a project's own comparisons are checked too.
{%- set comparisons = identity_comparisons() %}
with

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

{%- for name, spec in comparisons.items() %}
{%- set labels = comparison_labels(spec) %}
{{ name }}_out_of_range as (
    select
        record_id_a,
        record_id_b,
        '{{ name }}' as comparison,
        {{ name }} as level
    from candidate_pairs
    where {{ name }} is null or {{ name }} < -1 or {{ name }} > {{ labels | length - 1 }}
),
{%- endfor %}

final as (
    {%- for name in comparisons %}
    select * from {{ name }}_out_of_range
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
