-- Every rejection reason of every source table: the raw rows (exact copies
-- counted) carrying it and an example raw_row_id. A row that breaks several
-- rules counts once under each, so the reasons of a table add up to more
-- than its quarantined rows.
{{ config(materialized='table') }}

with

{% for source_table, base_model in quarantined_source_tables() %}
{{ base_model }}_reasons as (
    {{ quarantine_reason_sql(source_table, ref(base_model)) }}
),

{% endfor %}
final as (
    {% for _source_table, base_model in quarantined_source_tables() %}
    select * from {{ base_model }}_reasons
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
