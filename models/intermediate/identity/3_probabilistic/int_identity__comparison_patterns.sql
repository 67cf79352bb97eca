-- The distinct comparison vectors of the candidate pairs and how many pairs
-- share each: all that expectation-maximisation needs to estimate m
-- probabilities (a few thousand rows however many pairs there are).
-- Grain: one row per combination of comparison levels.
{%- set comparisons = identity_comparisons() %}
with

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

final as (
    select
        {%- for name in comparisons %}
        {{ name }},
        {%- endfor %}
        count(*) as pair_count
    from candidate_pairs
    group by {% for name in comparisons %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}
)

select * from final
