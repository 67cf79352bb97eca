-- Every way a raw country is written, in normalize_label form, to its ISO
-- alpha-2 code: the alpha-2 and alpha-3 codes, the English name, and the
-- aliases of seeds/label_map.csv (domain 'country': 'uk', 'usa', ...).
with

countries as (
    select * from {{ ref('stg_reference__countries') }}
),

label_map as (
    select * from {{ ref('label_map') }}
),

spellings as (
    select
        lower(country_code) as raw_label,
        country_code
    from countries
    union all
    select
        lower(country_code_iso3) as raw_label,
        country_code
    from countries
    union all
    select
        {{ normalize_label('country_name') }} as raw_label,
        country_code
    from countries
    union all
    select
        raw_label,
        upper(label) as country_code
    from label_map
    where domain = 'country'
),

final as (
    select distinct
        raw_label as lookup_key,
        country_code
    from spellings
)

select * from final
