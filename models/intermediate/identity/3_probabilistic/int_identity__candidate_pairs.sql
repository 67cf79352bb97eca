-- Pairs of records worth comparing, and how they compare. A pair is a
-- candidate when the two records agree on every key of at least one blocking
-- rule (var identity_blocking_rules). Within a block the records are put in
-- order, and each is paired with the next var identity_max_block_size
-- records in that order: a block up to that size gives all its pairs, a
-- larger one (a common name in a common postcode) is split instead of
-- dropped, and the pairs per record stay bounded however large the data
-- grows. One order misses the duplicate whose typo falls in the field the
-- order leads with, so each block is ordered var identity_block_orderings
-- ways, each led by another compared field the rule does not block on (a
-- name block by date of birth, then by address, then by postcode). Only
-- records with a name take part: cookies and email recipients link through
-- identifiers alone.
-- Grain: one row per (record_id_a, record_id_b), record_id_a < record_id_b.
{%- set rules = identity_blocking_rules() %}
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

-- How common each compared value is among the records that can be compared:
-- an exact agreement on a common value is weaker evidence than on a rare one
-- (int_identity__scored_pairs).
records as (
    select
        {%- for name, spec in frequencies.items() %}
        count({{ spec.column }}) over (partition by {{ spec.column }})
        / cast(count({{ spec.column }}) over () as {{ type_double() }}) as {{ name }}_term_frequency,
        {%- endfor %}
        named_records.*
    from named_records
),

{% for rule in rules %}
{%- set rule_index = loop.index %}
{%- for order in identity_block_orders(rule, orderings) %}
{%- set pass_name = 'rule_' ~ rule_index ~ '_order_' ~ loop.index %}
{{ pass_name }}_members as (
    select
        record_id,
        {{ rule | join(', ') }},
        row_number() over (
            partition by {{ rule | join(', ') }}
            -- nulls placed explicitly: engines differ in where they put them by default
            order by {% for column in order %}{{ column }} nulls last, {% endfor %}record_id
        ) as block_position
    from records
    where {% for column in rule %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
),

-- Windows of {{ window }} positions: a record's next {{ window }} neighbours are
-- in its own window or the next one.
{{ pass_name }}_windows as (
    select
        *,
        floor((block_position - 1) / {{ window }}) as block_window
    from {{ pass_name }}_members
),

{{ pass_name }}_pairs as (
    {%- for step in [0, 1] %}
    select
        left_record.record_id as left_id,
        right_record.record_id as right_id,
        {{ rule_index }} as blocking_rule
    from {{ pass_name }}_windows as left_record
    inner join {{ pass_name }}_windows as right_record
        on {% for column in rule %}left_record.{{ column }} = right_record.{{ column }}
            and {% endfor %}left_record.block_window + {{ step }} = right_record.block_window
            and left_record.block_position < right_record.block_position
            and left_record.block_position + {{ window }} >= right_record.block_position
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{% endfor %}
{% endfor %}
blocked_pairs as (
    {%- for rule in rules %}
    {%- set rule_index = loop.index %}
    {%- set last_rule = loop.last %}
    {%- for order in identity_block_orders(rule, orderings) %}
    select
        case when left_id < right_id then left_id else right_id end as record_id_a,
        case when left_id < right_id then right_id else left_id end as record_id_b,
        blocking_rule
    from rule_{{ rule_index }}_order_{{ loop.index }}_pairs
    {%- if not (last_rule and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
),

pairs as (
    select
        record_id_a,
        record_id_b,
        -- the first rule that proposed the pair, for blocking diagnostics
        min(blocking_rule) as blocking_rule,
        -- every rule that proposed it: the training sessions it belongs to
        {%- for rule in rules %}
        max(case when blocking_rule = {{ loop.index }} then 1 else 0 end) = 1 as proposed_by_rule_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from blocked_pairs
    group by record_id_a, record_id_b
),

-- Both records' compared values beside each pair, and the similarities the
-- levels read, computed once (comparison_inputs).
pair_values as (
    select
        pairs.record_id_a,
        pairs.record_id_b,
        pairs.blocking_rule,
        {%- for rule in rules %}
        pairs.proposed_by_rule_{{ loop.index }},
        {%- endfor %}
        {%- for name, spec in frequencies.items() %}
        -- the agreed value's share of the records, on exact agreement only
        case
            when left_record.{{ spec.column }} = right_record.{{ spec.column }}
                then left_record.{{ name }}_term_frequency
        end as {{ name }}_term_frequency,
        {%- endfor %}
        {{ comparison_inputs('left_record', 'right_record') }}
    from pairs
    inner join records as left_record
        on pairs.record_id_a = left_record.record_id
    inner join records as right_record
        on pairs.record_id_b = right_record.record_id
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
