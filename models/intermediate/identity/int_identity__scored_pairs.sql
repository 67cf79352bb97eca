-- Every candidate pair with its match weight and probability; `is_match`
-- when the probability reaches var identity_match_threshold.
-- Grain: one row per (record_id_a, record_id_b).
{%- set comparisons = identity_comparisons() %}
with

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

pattern_scores as (
    select * from {{ ref('int_identity__pattern_scores') }}
),

final as (
    select
        candidate_pairs.*,
        pattern_scores.match_weight,
        pattern_scores.match_probability,
        pattern_scores.is_match
    from candidate_pairs
    inner join pattern_scores
        on {% for name in comparisons %}candidate_pairs.{{ name }} = pattern_scores.{{ name }}{% if not loop.last %}
            and {% endif %}{% endfor %}
)

select * from final
