-- Every candidate pair with its match weight and probability; `is_match`
-- when the probability reaches var identity_match_threshold.
-- The weight is its comparison pattern's (int_identity__pattern_scores) plus,
-- for each comparison with `term_frequency`, an adjustment on exact
-- agreement: log2(u of the exact level / the agreed value's share of the
-- records). "Smith" agreeing is weaker evidence than the average surname
-- agreeing. The adjustment never takes an exact agreement below the closest
-- level that the estimate weighs less than exact (an exact 'smith' still
-- counts for more than a near miss the estimate ranks lower), and never adds
-- more than var identity_term_frequency_max_bonus bits.
-- Grain: one row per (record_id_a, record_id_b).
{%- set comparisons = identity_comparisons() %}
{%- set frequencies = identity_term_frequency_comparisons() %}
{%- set max_bonus = var('identity_term_frequency_max_bonus') %}
{%- if max_bonus is not number or max_bonus < 0 %}
    {{ exceptions.raise_compiler_error("identity_term_frequency_max_bonus must be a number of bits, 0 or more, not '" ~ max_bonus ~ "'") }}
{%- endif %}
{%- set threshold = var('identity_match_threshold') %}
{%- if threshold is not number or threshold <= 0 or threshold >= 1 %}
    {{ exceptions.raise_compiler_error("identity_match_threshold must be a probability between 0 and 1 (exclusive), not '" ~ threshold ~ "'") }}
{%- endif %}
with

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

pattern_scores as (
    select * from {{ ref('int_identity__pattern_scores') }}
),

weights as (
    select * from {{ ref('int_identity__match_weights') }}
),

-- per comparison: u and weight of the exact (top) level, and the weight of
-- the closest level below it that weighs less (levels estimation pooled with
-- exact share its weight and are passed over)
top_levels as (
    select
        comparison,
        max(level) as exact_level
    from weights
    where comparison != 'prior'
    group by comparison
),

exact_weights as (
    select
        top_levels.comparison,
        exact.u_probability as exact_u,
        exact.match_weight as exact_weight,
        coalesce(max(below.match_weight), exact.match_weight) as below_weight
    from top_levels
    inner join weights as exact
        on top_levels.comparison = exact.comparison and top_levels.exact_level = exact.level
    left join weights as below
        on
            top_levels.comparison = below.comparison
            and below.level between 0 and top_levels.exact_level - 1
            and below.match_weight < exact.match_weight - 1e-9
    group by top_levels.comparison, exact.u_probability, exact.match_weight
),

pattern_scored as (
    select
        candidate_pairs.*,
        pattern_scores.match_weight as pattern_match_weight
    from candidate_pairs
    inner join pattern_scores
        on {% for name in comparisons %}candidate_pairs.{{ name }} = pattern_scores.{{ name }}{% if not loop.last %}
            and {% endif %}{% endfor %}
),

-- the bounds of each adjustment, one row: the floor (how far below exact an
-- agreement may fall) and the u of the exact level
bounds as (
    select
        {%- for name in frequencies %}
        max(case when comparison = '{{ name }}' then exact_u end) as {{ name }}_exact_u,
        max(case when comparison = '{{ name }}' then below_weight - exact_weight end) as {{ name }}_floor,
        {%- endfor %}
        count(*) as comparisons
    from exact_weights
),

adjusted as (
    select
        {%- for name in frequencies %}
        case
            when pattern_scored.{{ name }}_term_frequency > 0
                then least({{ max_bonus }}, greatest({{ log2('bounds.' ~ name ~ '_exact_u / pattern_scored.' ~ name ~ '_term_frequency') }}, bounds.{{ name }}_floor))
            else 0
        end as {{ name }}_term_frequency_adjustment,
        {%- endfor %}
        pattern_scored.*
    from pattern_scored
    cross join bounds
),

weighed as (
    select
        *,
        pattern_match_weight
        {%- for name in frequencies %}
        + {{ name }}_term_frequency_adjustment
        {%- endfor %} as match_weight
    from adjusted
),

final as (
    select
        *,
        1.0 / (1.0 + power(2.0, -match_weight)) as match_probability,
        1.0 / (1.0 + power(2.0, -match_weight)) >= {{ threshold }} as is_match
    from weighed
)

select * from final
