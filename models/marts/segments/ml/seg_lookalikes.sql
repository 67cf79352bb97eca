-- Lookalikes: profiles outside the seed segment (var lookalike_seed_segment)
-- that most resemble its members: percentile threshold percentile_at_least
-- and above of fct_lookalike_scores. Empty when the lookalike model is not
-- served (ml_model_gates): its percentiles are null.
with

scores as (
    select * from {{ ref('fct_lookalike_scores') }}
),

final as (
    select
        profile_id,
        similarity,
        percentile as similarity_percentile
    from scores
    where percentile >= {{ segment_threshold('lookalikes', 'percentile_at_least') }}
)

{{ segment_contract('final', values={'similarity': 'float', 'similarity_percentile': 'integer'}) }}
