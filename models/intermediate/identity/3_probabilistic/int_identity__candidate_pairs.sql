-- Pairs of records worth comparing, and how they compare. A pair is a
-- candidate when the two records agree on every key of at least one blocking
-- rule (var identity_blocking_rules). Within a block the records are put in
-- order, and each is paired with the next var identity_max_block_size
-- records in that order: a block up to that size gives all its pairs, a
-- larger one (a common name in a common postcode) is split instead of
-- dropped, and the pairs per record stay bounded however large the data
-- grows. One order misses the duplicate whose typo falls in the field the
-- order leads with, so each block is ordered var identity_block_orderings
-- ways, each by another compared field the rule does not block on (a name
-- block by date of birth, then by address, then by postcode). Only
-- records with a name take part: cookies and email recipients link through
-- identifiers alone.
-- Grain: one row per (record_id_a, record_id_b), record_id_a < record_id_b.
{%- set rules = identity_blocking_rules() %}
{%- if rules | length > 62 %}
    {{ exceptions.raise_compiler_error("identity_blocking_rules: at most 62 rules (each is one bit of a 64-bit integer), not " ~ rules | length) }}
{%- endif %}
{%- set window = var('identity_max_block_size') %}
{%- if window is not number or window < 2 or window != window | int %}
    {{ exceptions.raise_compiler_error("identity_max_block_size must be a whole number of records, 2 or more, not '" ~ window ~ "'") }}
{%- endif %}
{%- set orderings = var('identity_block_orderings') %}
{%- if orderings is not number or orderings < 1 or orderings != orderings | int %}
    {{ exceptions.raise_compiler_error("identity_block_orderings must be a whole number of orders, 1 or more, not '" ~ orderings ~ "'") }}
{%- endif %}
{%- set frequencies = identity_term_frequency_comparisons() %}
with

named_records as (
    select * from {{ ref('int_identity__records') }}
    where match_first_name is not null or match_last_name is not null
),

-- The blocking passes' pairs, many times the records and mostly repeated,
-- are collected and deduplicated as two integers, a hash of each record id,
-- instead of two ids; no order depends on the hash. Two records sharing a hash
-- (odds of about 1 in 20 million for 1.4 million records) would each be
-- compared with the other's candidates too, and paired with each other they
-- fail the model's tests; no pair is lost.
records as (
    select
        {{ integer_hash('record_id') }} as record_hash,
        *
    from named_records
),

-- How common each compared value is among the records that can be compared:
-- an exact agreement on a common value is weaker evidence than on a rare one
-- (int_identity__scored_pairs). Counted by grouping and joined back, not by
-- windows: a window over every record runs in one partition on a distributed
-- engine. Joined to one side of each pair only, not to the records every
-- blocking pass reads: an engine that inlines a query's CTEs (Spark) would
-- plan the counts once per pass.
value_totals as (
    select
        {%- for name, spec in frequencies.items() %}
        count({{ spec.column }}) as {{ name }}_records,
        {%- endfor %}
        count(*) as record_count
    from named_records
),

{% for name, spec in frequencies.items() %}
{{ name }}_value_counts as (
    select
        {{ spec.column }} as compared_value,
        count(*) as value_records
    from named_records
    where {{ spec.column }} is not null
    group by {{ spec.column }}
),

{% endfor %}
records_with_frequencies as (
    select
        {%- for name, spec in frequencies.items() %}
        {{ name }}_value_counts.value_records
        / cast(value_totals.{{ name }}_records as {{ type_double() }}) as {{ name }}_term_frequency,
        {%- endfor %}
        records.*
    from records
    cross join value_totals
    {%- for name, spec in frequencies.items() %}
    left join {{ name }}_value_counts
        on records.{{ spec.column }} = {{ name }}_value_counts.compared_value
    {%- endfor %}
),

{% for rule in rules %}
{%- set rule_index = loop.index %}
{%- for order in identity_block_orders(rule, orderings) %}
{%- set pass_name = 'rule_' ~ rule_index ~ '_order_' ~ loop.index %}
{{ pass_name }}_neighbours as (
    select
        record_hash
        {%- for step in range(1, window + 1) %},
        -- nulls placed explicitly: engines differ in where they put them by default
        lead(record_hash, {{ step }}) over (
            partition by {{ rule | join(', ') }}
            order by {% for column in order %}{{ column }} nulls last, {% endfor %}record_id
        ) as next_{{ step }}{% endfor %}
    from records
    where {% for column in rule %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
),

{% endfor %}
{% endfor %}
blocked_pairs as (
    {%- for rule in rules %}
    {%- set rule_index = loop.index %}
    {%- set last_rule = loop.last %}
    {%- for order in identity_block_orders(rule, orderings) %}
    {%- set pass_name = 'rule_' ~ rule_index ~ '_order_' ~ loop.index %}
    {%- set last_order = loop.last %}
    {%- for step in range(1, window + 1) %}
    select
        case when record_hash < next_{{ step }} then record_hash else next_{{ step }} end as low_hash,
        case when record_hash < next_{{ step }} then next_{{ step }} else record_hash end as high_hash,
        {{ rule_index }} as blocking_rule,
        cast({{ 2 ** (rule_index - 1) }} as {{ dbt.type_bigint() }}) as rule_bit
    from {{ pass_name }}_neighbours
    where next_{{ step }} is not null
    {%- if not (last_rule and last_order and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
    {%- endfor %}
),

-- The rules that proposed each pair as one integer, a bit per rule: one
-- aggregate over the many proposals instead of one per rule, which at a
-- million customers is the difference between grouping in memory and
-- spilling to disk.
hashed_pairs as (
    select
        low_hash,
        high_hash,
        -- the first rule that proposed the pair, for blocking diagnostics
        min(blocking_rule) as blocking_rule,
        bit_or(rule_bit) as rule_bits
    from blocked_pairs
    group by low_hash, high_hash
),

-- Both records' compared values beside each pair, and the similarities the
-- levels read, computed once (comparison_inputs). Every level is symmetric
-- (the similarities, a swap in either direction, exact agreement), so the
-- pair is compared in hash order and only its ids are put in order.
pair_values as (
    select
        case when low_record.record_id < high_record.record_id then low_record.record_id else high_record.record_id end as record_id_a,
        case when low_record.record_id < high_record.record_id then high_record.record_id else low_record.record_id end as record_id_b,
        hashed_pairs.blocking_rule,
        -- every rule that proposed it: the training sessions it belongs to
        {%- for rule in rules %}
        (hashed_pairs.rule_bits & {{ 2 ** (loop.index - 1) }}) <> 0 as proposed_by_rule_{{ loop.index }},
        {%- endfor %}
        {%- for name, spec in frequencies.items() %}
        -- the agreed value's share of the records, on exact agreement only
        case
            when low_record.{{ spec.column }} = high_record.{{ spec.column }}
                then low_record.{{ name }}_term_frequency
        end as {{ name }}_term_frequency,
        {%- endfor %}
        {{ comparison_inputs('low_record', 'high_record') }}
    from hashed_pairs
    inner join records_with_frequencies as low_record
        on hashed_pairs.low_hash = low_record.record_hash
    inner join records as high_record
        on hashed_pairs.high_hash = high_record.record_hash
),

compared as (
    select
        record_id_a,
        record_id_b,
        blocking_rule,
        {%- for rule in rules %}
        proposed_by_rule_{{ loop.index }},
        {%- endfor %}
        {%- for name in frequencies %}
        {{ name }}_term_frequency,
        {%- endfor %}
        {{ comparison_level_columns() }}
    from pair_values
)

select * from compared
