-- A closer level never weighs less than a farther one: within each
-- comparison, from 'different' (level 0) up to 'exact', the match weights
-- never decrease. Estimation pools levels to keep this order
-- (open_segments.identity.fellegi_sunter.monotone_m); frozen weights must
-- keep it too. The null level (-1) is outside the order: it adds nothing.
with

weights as (
    select * from {{ ref('int_identity__match_weights') }}
    where comparison != 'prior' and level >= 0
),

final as (
    select
        closer.comparison,
        closer.level,
        closer.match_weight,
        farther.match_weight as farther_match_weight
    from weights as closer
    inner join weights as farther
        on closer.comparison = farther.comparison
            and closer.level = farther.level + 1
    -- a rounding error's worth of slack: pooled levels share one weight
    where closer.match_weight < farther.match_weight - 1e-9
)

select * from final
