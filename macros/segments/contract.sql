{#-
    The contract every segment model emits, whatever builds it: one row per
    member (per variant) with

      profile_id         the member;
      segment_variant    the variant (the category of category_interest, the
                         RFM cell, the cluster), null for a segment without;
      qualifying_values  the values that put the profile in, as text
                         'name=value; name=value' (floating-point values
                         rounded to 4 decimals, written alike by every engine;
                         'null' for a missing value).

    fct_segment_membership unions these three columns of every segment model
    in the graph; the generic test segment_contract checks them.
-#}


{#- The segment's final select, from the CTE `relation`:

      {{ segment_contract('final',
            values={'orders_30d': 'integer', 'pages_per_session_recent': 'float'}) }}

    `values`: {column: kind}, in the order they are written; kind `float`
    (floating point: rounded to 4 decimals, as a decimal(38, 4)) or
    `integer`, `decimal` (fixed point), `text`, `timestamp`, `date`,
    `boolean` (written as the engine casts them to text). `variant`: the column holding the variant, if any. `carry`:
    columns kept after the contract (for their own data tests; the
    membership does not read them). -#}
{% macro segment_contract(relation, values, variant=none, carry=[]) %}
    {%- set kinds = ['float', 'integer', 'decimal', 'text', 'timestamp', 'date', 'boolean'] -%}
    {%- if values is not mapping -%}
        {{ exceptions.raise_compiler_error("segment_contract(): values must be a mapping {column: kind}, kinds: " ~ kinds | join(', ')) }}
    {%- endif -%}
    {%- for column, kind in values.items() if kind not in kinds -%}
        {{ exceptions.raise_compiler_error("segment_contract(): column " ~ column ~ " has kind '" ~ kind ~ "'; kinds: " ~ kinds | join(', ')) }}
    {%- endfor %}
select
    profile_id,
    {{ variant if variant else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as segment_variant,
    {{ segment_qualifying_values(values) }} as qualifying_values
    {%- for column in carry %},
    {{ column }}
    {%- endfor %}
from {{ relation }}
{%- endmacro %}


{#- 'name=value; ...' of the columns in `values` ({column: kind}). -#}
{% macro segment_qualifying_values(values) %}
    {{ return(adapter.dispatch('segment_qualifying_values')(values)) }}
{% endmacro %}

{% macro default__segment_qualifying_values(values) %}
    {%- set parts = [] -%}
    {%- for column, kind in values.items() -%}
        {#- numbers with 4 decimals, written alike by every engine -#}
        {%- set value = 'cast(round(' ~ column ~ ', 4) as decimal(38, 4))' if kind == 'float' else column -%}
        {%- if parts %}{% do parts.append("'; '") %}{% endif -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append("coalesce(" ~ dbt.cast(value, dbt.type_string()) ~ ", 'null')") -%}
    {%- endfor -%}
    {{ return(dbt.concat(parts) if parts else "''") }}
{% endmacro %}


{#- Generic test: the model emits the segment contract, its first three
    columns profile_id, segment_variant and qualifying_values, one row per
    (profile_id, segment_variant), neither profile_id nor qualifying_values
    null. Returns the offending rows (or one row naming the wrong columns). -#}
{% test segment_contract(model) %}
    {%- set expected = ['profile_id', 'segment_variant', 'qualifying_values'] -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- do found.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if execute and found[:3] != expected %}
select
    {{ text_literal('columns are ' ~ found | join(', ') ~ '; a segment model starts with ' ~ expected | join(', ')) }} as problem
    {%- else %}
with

members as (
    select
        profile_id,
        segment_variant,
        qualifying_values
    from {{ model }}
)

select
    'a null profile_id or qualifying_values' as problem
from members
where profile_id is null or qualifying_values is null
union all
select
    'more than one row for one profile_id and segment_variant' as problem
from members
group by profile_id, segment_variant
having count(*) > 1
    {%- endif %}
{% endtest %}
