-- One row per country of seeds/country_codes.csv: the codes, phone numbering
-- and currency used by normalization.
with

countries as (
    select * from {{ ref('country_codes') }}
),

final as (
    select
        upper(trim(iso2)) as country_code,
        upper(trim(iso3)) as country_code_iso3,
        trim(country_name) as country_name,
        cast(calling_code as {{ dbt.type_string() }}) as calling_code,
        nullif(trim(cast(trunk_prefix as {{ dbt.type_string() }})), '') as trunk_prefix,
        upper(trim(currency_code)) as currency_code
    from countries
)

select * from final
