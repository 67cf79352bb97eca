-- Lookalikes: profiles outside the seed segment (var lookalike_seed_segment)
-- that most resemble its members: percentile var lookalike_min_percentile
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
    where percentile >= {{ var('lookalike_min_percentile') }}
)

select * from final
