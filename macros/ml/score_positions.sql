{#- Four CTEs that number the rows of CTE `scored` by `score` ascending (ties
    by `tie_breaker`, descending) within each group of `partition_by`, the way
    row_number() over (partition by ... order by score, tie_breaker desc)
    would, but without a window over a whole group (a group such as "every
    scored profile of a target" is a table that grows with customers, and its
    window would run in one partition). Rows fall in buckets of `score`
    (value_bucket, `bucket_width` wide); a row's position is the rows of the
    buckets below plus its place in its own bucket. The last CTE,
    `<scored>_positions`, has every column of `scored` plus score_position
    (1, 2, ...) and scored_rows (the rows of its group). Rows with a null
    score must be left out of `scored`. Written into a model's `with` list,
    followed by a comma. -#}
{% macro score_position_ctes(scored, score, tie_breaker, partition_by=[], bucket_width=0.001) -%}
{%- set groups = partition_by | join(', ') -%}
{%- set group_list = groups ~ ', ' if partition_by else '' -%}
{{ scored }}_bucketed as (
    select
        *,
        {{ value_bucket(score, width=bucket_width) }} as score_bucket
    from {{ scored }}
),

{{ scored }}_buckets as (
    select
        {{ group_list }}score_bucket,
        count(*) as rows_in_bucket
    from {{ scored }}_bucketed
    group by {{ group_list }}score_bucket
),

{{ scored }}_buckets_below as (
    select
        {{ group_list }}score_bucket,
        coalesce(sum(rows_in_bucket) over (
            {%- if partition_by %}
            partition by {{ groups }}
            {%- else %}
            -- bounded: one row per score bucket
            {%- endif %}
            order by score_bucket
            rows between unbounded preceding and 1 preceding
        ), 0) as rows_below_bucket,
        sum(rows_in_bucket) over (
            {%- if partition_by %}
            partition by {{ groups }}
            {%- else %}
            -- bounded: one row per score bucket
            {%- endif %}
        ) as scored_rows
    from {{ scored }}_buckets
),

{{ scored }}_positions as (
    select
        {{ scored }}_bucketed.*,
        {{ scored }}_buckets_below.scored_rows,
        {{ scored }}_buckets_below.rows_below_bucket + row_number() over (
            partition by
                {%- for column in partition_by %} {{ scored }}_bucketed.{{ column }},{% endfor %}
                {{ scored }}_bucketed.score_bucket
            order by {{ scored }}_bucketed.{{ score }} asc, {{ scored }}_bucketed.{{ tie_breaker }} desc
        ) as score_position
    from {{ scored }}_bucketed
    inner join {{ scored }}_buckets_below
        on {{ scored }}_bucketed.score_bucket = {{ scored }}_buckets_below.score_bucket
        {%- for column in partition_by %}
            and {{ scored }}_bucketed.{{ column }} = {{ scored }}_buckets_below.{{ column }}
        {%- endfor %}
)
{%- endmacro %}


{#- ntile(`tiles`) of the row at `position` (1, 2, ...) among `rows` rows,
    as the SQL window function numbers them: the first (rows mod tiles) tiles
    hold one row more than the others, and with fewer rows than tiles each
    row is a tile of its own. -#}
{% macro ntile_of_position(position, rows, tiles) -%}
{#- in doubles: a decimal division may round up to the next whole number -#}
{%- set small = 'floor(cast(' ~ rows ~ ' as ' ~ type_double() ~ ') / ' ~ tiles ~ ')' -%}
{%- set large_tiles = '(' ~ rows ~ ' - ' ~ tiles ~ ' * ' ~ small ~ ')' -%}
{%- set rows_in_large = large_tiles ~ ' * (' ~ small ~ ' + 1)' -%}
cast(case
    when {{ position }} <= {{ rows_in_large }}
        then floor(cast({{ position }} - 1 as {{ type_double() }}) / ({{ small }} + 1)) + 1
    else {{ large_tiles }} + 1 + floor(({{ position }} - 1 - {{ rows_in_large }}) / nullif({{ small }}, 0))
end as {{ dbt.type_bigint() }})
{%- endmacro %}
