-- The match weight and probability of every comparison pattern among the
-- candidate pairs: the prior log-odds plus the weight of each comparison's
-- level (int_identity__match_weights). Reviewers read this table to see
-- which combinations of evidence make a match.
-- Grain: one row per comparison pattern.
{%- set comparisons = identity_comparisons() %}
with

patterns as (
    select * from {{ ref('int_identity__comparison_patterns') }}
),

weights as (
    select * from {{ ref('int_identity__match_weights') }}
),

prior_weight as (
    select match_weight
    from weights
    where comparison = 'prior'
),

{%- set level_weights = [] %}
{%- for name in comparisons %}
{%- do level_weights.append(name ~ '_weight.match_weight') %}
{%- endfor %}

weighed as (
    select
        {%- for name in comparisons %}
        patterns.{{ name }},
        {%- endfor %}
        patterns.pair_count,
        prior_weight.match_weight + {{ level_weights | join(' + ') }} as match_weight
    from patterns
    cross join prior_weight
    {%- for name in comparisons %}
    inner join weights as {{ name }}_weight
        on
            {{ name }}_weight.comparison = '{{ name }}'
            and patterns.{{ name }} = {{ name }}_weight.level
    {%- endfor %}
),

final as (
    select
        weighed.*,
        1.0 / (1.0 + power(2.0, -weighed.match_weight)) as match_probability,
        1.0 / (1.0 + power(2.0, -weighed.match_weight)) >= {{ var('identity_match_threshold') }} as is_match
    from weighed
)

select * from final
