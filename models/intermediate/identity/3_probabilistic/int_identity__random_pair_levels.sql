-- How often each comparison level occurs among pairs of records taken at
-- random: the u probabilities of Fellegi-Sunter (almost every random pair is
-- two different people). "Random" is deterministic here: records are put in
-- the order of a hash of their id and each is paired with its next
-- var identity_u_pairs_per_record neighbours in that order, up to var identity_u_max_pairs
-- pairs (so only the first records in that order are needed, and only they are
-- ordered and compared). Every level of every comparison has a row, with 0
-- when unseen.
-- Grain: one row per (comparison, level).
{%- set per_record = var('identity_u_pairs_per_record') %}
{%- set comparisons = identity_comparisons() %}
{%- set first_records = (var('identity_u_max_pairs') / per_record) | round(0, 'ceil') | int %}
with

records as (
    select * from {{ ref('int_identity__records') }}
    where match_first_name is not null or match_last_name is not null
),

-- The records that come first in the hash order, with the neighbours of the
-- last of them.
sampled as (
    select
        record_id,
        {{ dbt.hash('record_id') }} as shuffle_key
    from records
    order by shuffle_key, record_id
    limit {{ first_records + per_record }}
),

shuffled as (
    select
        record_id,
        row_number() over (order by shuffle_key, record_id) as shuffle_rank
    from sampled
),

neighbours as (
    {%- for offset in range(1, per_record + 1) %}
    select
        record_id as record_id_a,
        lead(record_id, {{ offset }}) over (order by shuffle_rank) as record_id_b,
        shuffle_rank
    from shuffled
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- Both records' compared values and the similarities the levels read,
-- computed once (comparison_inputs).
pair_values as (
    select
        {{ comparison_inputs('left_record', 'right_record') }}
    from neighbours
    inner join records as left_record
        on neighbours.record_id_a = left_record.record_id
    inner join records as right_record
        on neighbours.record_id_b = right_record.record_id
    where neighbours.shuffle_rank <= {{ first_records }}
),

random_pairs as (
    select
        {{ comparison_level_columns() }}
    from pair_values
),

level_counts as (
    {%- for name in comparisons %}
    select
        '{{ name }}' as comparison,
        {{ name }} as level,
        count(*) as pair_count
    from random_pairs
    group by {{ name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

levels as (
    {%- for name, spec in comparisons.items() %}
    {%- set comparison_loop = loop %}
    select
        '{{ name }}' as comparison,
        -1 as level,
        'null' as label
    {%- for label in comparison_labels(spec) %}
    union all
    select
        '{{ name }}',
        {{ loop.index0 }},
        '{{ label }}'
    {%- endfor %}
    {%- if not comparison_loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        levels.comparison,
        levels.level,
        levels.label,
        coalesce(level_counts.pair_count, 0) as pair_count,
        -- the population the pairs are drawn from
        (select count(*) from records) as comparable_records
    from levels
    left join level_counts
        on levels.comparison = level_counts.comparison
            and levels.level = level_counts.level
)

select * from final
