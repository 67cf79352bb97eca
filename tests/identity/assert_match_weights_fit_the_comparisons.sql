-- The weights table holds exactly the levels the configured comparisons
-- (var identity_comparisons) produce, each under its own label, and a prior.
-- Frozen weights (var identity_match_weights) exported under other
-- comparisons, or before their levels changed, would weigh a level by
-- another level's evidence without any error; this test makes them fail the
-- build. Export the weights again after changing the comparisons.
{%- set comparisons = identity_comparisons() %}
with

weighed_levels as (
    select * from {{ ref('int_identity__match_weights') }}
    where comparison != 'prior'
),

priors as (
    select count(*) as prior_rows
    from {{ ref('int_identity__match_weights') }}
    where comparison = 'prior'
),

expected_levels as (
    {%- for name, spec in comparisons.items() %}
    select
        {{ text_literal(name) }} as comparison,
        -1 as level,
        'null' as label
    {%- for label in comparison_labels(spec) %}
    union all
    select
        {{ text_literal(name) }} as comparison,
        {{ loop.index0 }} as level,
        {{ text_literal(label) }} as label
    {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

mismatched as (
    select
        coalesce(expected_levels.comparison, weighed_levels.comparison) as comparison,
        coalesce(expected_levels.level, weighed_levels.level) as level,
        coalesce(expected_levels.label, weighed_levels.label) as label,
        case
            when weighed_levels.comparison is null then 'a configured level without a weight'
            else 'a weight for no configured level'
        end as problem
    from expected_levels
    full outer join weighed_levels
        on expected_levels.comparison = weighed_levels.comparison
            and expected_levels.level = weighed_levels.level
            and expected_levels.label = weighed_levels.label
    where expected_levels.comparison is null or weighed_levels.comparison is null
),

no_prior as (
    select
        'prior' as comparison,
        cast(null as {{ dbt.type_bigint() }}) as level,
        cast(null as {{ dbt.type_string() }}) as label,
        'no prior' as problem
    from priors
    where prior_rows = 0
),

final as (
    select * from mismatched
    union all
    select * from no_prior
)

select * from final
