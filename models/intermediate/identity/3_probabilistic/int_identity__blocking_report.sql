-- What each blocking rule does on this build's data, for the operator tuning
-- var identity_blocking_rules: how many records hold all its keys, how many
-- blocks they form, how many of those are larger than
-- var identity_max_block_size (split by the sorted window, so some of their
-- pairs are never proposed), the largest block, and the candidate pairs the
-- rule proposed (in all, and first among the rules).
-- Grain: one row per blocking rule.
{%- set rules = identity_blocking_rules() %}
with

records as (
    select * from {{ ref('int_identity__records') }}
    where match_first_name is not null or match_last_name is not null
),

candidate_pairs as (
    select * from {{ ref('int_identity__candidate_pairs') }}
),

{% for rule in rules %}
rule_{{ loop.index }}_blocks as (
    select
        {{ loop.index }} as blocking_rule,
        count(*) as block_size
    from records
    where {% for column in rule %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
    group by {{ rule | join(', ') }}
),

{% endfor %}
blocks as (
    {%- for rule in rules %}
    select * from rule_{{ loop.index }}_blocks
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

block_summary as (
    select
        blocking_rule,
        sum(block_size) as records_with_keys,
        count(*) as blocks,
        sum(case when block_size > {{ var('identity_max_block_size') }} then 1 else 0 end) as split_blocks,
        max(block_size) as largest_block
    from blocks
    group by blocking_rule
),

pair_summary as (
    {%- for rule in rules %}
    select
        {{ loop.index }} as blocking_rule,
        sum(case when proposed_by_rule_{{ loop.index }} then 1 else 0 end) as pairs_proposed,
        sum(case when blocking_rule = {{ loop.index }} then 1 else 0 end) as pairs_first_proposed
    from candidate_pairs
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

rule_keys as (
    {%- for rule in rules %}
    select
        {{ loop.index }} as blocking_rule,
        '{{ rule | join(", ") }}' as rule_keys
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        rule_keys.blocking_rule,
        rule_keys.rule_keys,
        cast(coalesce(block_summary.records_with_keys, 0) as {{ dbt.type_bigint() }}) as records_with_keys,
        cast(coalesce(block_summary.blocks, 0) as {{ dbt.type_bigint() }}) as blocks,
        cast(coalesce(block_summary.split_blocks, 0) as {{ dbt.type_bigint() }}) as split_blocks,
        cast(coalesce(block_summary.largest_block, 0) as {{ dbt.type_bigint() }}) as largest_block,
        cast(coalesce(pair_summary.pairs_proposed, 0) as {{ dbt.type_bigint() }}) as pairs_proposed,
        cast(coalesce(pair_summary.pairs_first_proposed, 0) as {{ dbt.type_bigint() }}) as pairs_first_proposed
    from rule_keys
    left join block_summary
        on rule_keys.blocking_rule = block_summary.blocking_rule
    left join pair_summary
        on rule_keys.blocking_rule = pair_summary.blocking_rule
)

select * from final
