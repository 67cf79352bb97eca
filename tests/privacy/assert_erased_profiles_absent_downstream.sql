-- No model holds an erased person's key: every enabled model's relation is
-- searched, when the test runs, in each column named like a person key
-- (macro person_key_columns: profile ids, customer keys and export ids,
-- customer and user ids, cookie and visitor ids, emails, phones, their
-- hashes, identity record ids) for every key of int_privacy__erased_keys
-- (and the identity record ids made of them), of any type: an export's
-- `email` column holds a hash. Exempt, by `meta.erasure`: the privacy
-- bookkeeping that must name erased people to erase them (`bookkeeping`)
-- and staging, the mirror of the raw sources (`mirrors_raw`; docs/privacy.md).
-- Returns one row per leaking model, column and key.
--
-- It runs after the erasure sweep and after every model it searches (a
-- model still building, or not yet rebuilt, would show the previous build):
-- the leaves below bring the rest (int_ml__lookalike_input is one while
-- Python models are off), and the test fails naming any searched model
-- that is not upstream of it.
-- depends_on: {{ ref('int_privacy__erasure_sweep') }}
-- depends_on: {{ ref('export_ads_custom_audience') }}
-- depends_on: {{ ref('export_email_audience') }}
-- depends_on: {{ ref('fct_segment_changes') }}
-- depends_on: {{ ref('int_ml__lookalike_input') }}
{%- set key_columns = person_key_columns() %}
{%- set searched = erasure_searched_columns(model.unique_id) %}
with

erased_keys as (
    select * from {{ ref('int_privacy__erased_keys') }}
),

-- identity record ids are '<record_source>:<record_key>' (macro record_id)
searched_keys as (
    select
        profile_id,
        key_type,
        key_value
    from erased_keys
    union all
    select
        profile_id,
        'record_id' as key_type,
        {{ record_id(
            "case key_type when 'customer_id' then 'crm_customers'"
            ~ " when 'email' then 'esp_recipients' else 'web_cookies' end",
            'key_value',
        ) }} as key_value
    from erased_keys
    where key_type in ('customer_id', 'email', 'cookie_id')
),

held as (
    {%- for model_name, relation, column in searched %}
    select distinct
        '{{ model_name }}' as model_name,
        '{{ column }}' as column_name,
        '{{ key_columns[column] }}' as column_key_type,
        cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}) as key_value
    from {{ relation }}
    where cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}) in (select key_value from searched_keys)
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as column_key_type,
        cast(null as {{ dbt.type_string() }}) as key_value
    where 1 = 0
),

final as (
    select
        held.model_name,
        held.column_name,
        held.column_key_type,
        searched_keys.key_type,
        searched_keys.profile_id
    from held
    inner join searched_keys
        on held.key_value = searched_keys.key_value
)

select * from final
