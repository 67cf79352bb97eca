-- Comparison patterns of the candidate pairs, once per blocking rule: the
-- training sessions of expectation-maximisation. The pairs a rule proposes
-- agree on its keys whether they match or not, so each session learns m
-- only for the comparisons its rule does not block on (`blocked_comparisons`:
-- a rule blocks on a comparison through its column or one of its
-- `derived_keys`).
-- Grain: one row per (blocking_rule, combination of comparison levels).
{%- set comparisons = identity_comparisons() %}
{%- set rules = identity_blocking_rules() %}
with

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

final as (
    {%- for rule in rules %}
    {%- set blocked = [] %}
    {%- for name, spec in comparisons.items() %}
    {%- set keys = [spec.column] + spec.derived_keys | default([]) %}
    {%- if keys | select('in', rule) | list %}{% do blocked.append(name) %}{% endif %}
    {%- endfor %}
    select
        {{ loop.index }} as blocking_rule,
        '{{ blocked | join(",") }}' as blocked_comparisons,
        {%- for name in comparisons %}
        {{ name }},
        {%- endfor %}
        count(*) as pair_count
    from candidate_pairs
    where proposed_by_rule_{{ loop.index }}
    group by {% for name in comparisons %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
