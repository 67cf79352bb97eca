{#-
    CRM customer records, normalized and validated once. One row per distinct
    raw row: exact duplicates are collapsed (and counted in `raw_copies`), and
    every row gets either null `rejection_reasons` (it is staged) or every
    rule it breaks (it is quarantined; the first is also `rejection_reason`).
    Field-level problems do not reject a customer: the field is nulled and
    named in `dq_flags`. A created_at or updated_at after the load time is
    such a field (`created_at_future`, `updated_at_future`): a record date
    typed years ahead says nothing about the person, but trusted it would
    win every later version of the record and move the default as-of date.
-#}
{%- set raw_columns = [
    'customer_id', 'first_name', 'last_name', 'email', 'phone', 'date_of_birth',
    'gender', 'street_number', 'address_line_1', 'address_line_2', 'city',
    'postcode', 'state', 'country', 'loyalty_id', 'created_at', 'updated_at',
] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('crm', 'customers') -%}

with

country_lookup as (
    select * from {{ ref('stg_reference__country_lookup') }}
),

countries as (
    select * from {{ ref('stg_reference__countries') }}
),

distinct_rows as (
    {{ collapse_exact_duplicates(raw, raw_columns) }}
),

genders as (
    {{ label_lookup('distinct_rows', 'gender', 'gender') }}
),

parsed as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.customer_id') }} as clean_customer_id,
        country_lookup.country_code,
        coalesce(country_lookup.country_code, '{{ var("default_country") }}') as numbering_country,
        {{ parse_utc_timestamp('distinct_rows.created_at') }} as created_at_parsed,
        {{ parse_utc_timestamp('distinct_rows.updated_at') }} as updated_at_parsed,
        {{ parse_date('distinct_rows.date_of_birth') }} as date_of_birth_parsed,
        genders.label as gender_label
    from distinct_rows
    left join country_lookup
        on {{ normalize_label('distinct_rows.country') }} = country_lookup.lookup_key
    left join genders
        on distinct_rows.gender = genders.raw_value
),

dated as (
    select
        parsed.*,
        case
            when not {{ is_future_dated('parsed.created_at_parsed') }} then parsed.created_at_parsed
        end as created_at_utc,
        case
            when not {{ is_future_dated('parsed.updated_at_parsed') }} then parsed.updated_at_parsed
        end as updated_at_utc
    from parsed
),

normalized as (
    select
        parsed.*,
        {{ normalize_name('parsed.first_name') }} as first_name_clean,
        {{ normalize_name('parsed.last_name') }} as last_name_clean,
        {{ normalize_email('parsed.email') }} as email_clean,
        {{ e164_phone('parsed.phone', 'countries.calling_code', 'countries.trunk_prefix') }} as phone_candidate,
        case
            when parsed.date_of_birth_parsed >= cast('{{ var("min_birth_date") }}' as date)
                and parsed.date_of_birth_parsed
                <= cast(coalesce(parsed.created_at_utc, parsed.updated_at_utc, cast('{{ var("max_plausible_timestamp") }}' as timestamp)) as date)
                then parsed.date_of_birth_parsed
        end as date_of_birth_clean,
        {{ normalize_address_line('parsed.street_number') }} as street_number_clean,
        {{ normalize_address_line('parsed.address_line_1') }} as address_line_1_clean,
        {{ normalize_address_line('parsed.address_line_2') }} as address_line_2_clean,
        {{ normalize_address_line('parsed.city') }} as city_clean,
        {{ normalize_postcode('parsed.postcode', 'parsed.numbering_country') }} as postcode_clean,
        {{ normalize_address_line('parsed.state') }} as state_clean,
        {{ clean_text('parsed.loyalty_id') }} as loyalty_id_clean
    from dated as parsed
    left join countries
        on parsed.numbering_country = countries.country_code
),

versioned as (
    -- A customer_id delivered in several versions: the latest update wins,
    -- ties broken by the row fingerprint so reruns pick the same row.
    select
        *,
        row_number() over (
            partition by clean_customer_id
            order by
                updated_at_utc desc nulls last,
                created_at_utc desc nulls last,
                raw_row_id asc
        ) as version_rank
    from normalized
),

validated as (
    select
        *,
        nullif(concat_ws(
            ',',
            case when clean_customer_id is null then 'missing_customer_id' end,
            case when length(clean_customer_id) > 64 then 'customer_id_too_long' end,
            case when clean_customer_id is not null and version_rank > 1 then 'superseded_version' end
        ), '') as rejection_reasons,
        nullif(concat_ws(
            ',',
            case when {{ clean_text('first_name') }} is not null and first_name_clean is null then 'first_name_invalid' end,
            case when {{ clean_text('last_name') }} is not null and last_name_clean is null then 'last_name_invalid' end,
            case when {{ clean_text('email') }} is not null and email_clean is null then 'email_invalid' end,
            case when {{ clean_text('phone') }} is not null and not {{ is_e164('phone_candidate') }} then 'phone_invalid' end,
            case when {{ clean_text('date_of_birth') }} is not null and date_of_birth_parsed is null then 'date_of_birth_unparseable' end,
            case when date_of_birth_parsed is not null and date_of_birth_clean is null then 'date_of_birth_implausible' end,
            case when {{ clean_text('gender') }} is not null and gender_label is null then 'gender_unmapped' end,
            case when {{ clean_text('country') }} is not null and country_code is null then 'country_unmapped' end,
            case when {{ clean_text('postcode') }} is not null and postcode_clean is null then 'postcode_invalid' end,
            case
                when (street_number is not null and street_number_clean is null and length(street_number) > {{ var('max_address_length') }})
                    or (address_line_1 is not null and address_line_1_clean is null and length(address_line_1) > {{ var('max_address_length') }})
                    or (address_line_2 is not null and address_line_2_clean is null and length(address_line_2) > {{ var('max_address_length') }})
                    or (city is not null and city_clean is null and length(city) > {{ var('max_address_length') }})
                    or (state is not null and state_clean is null and length(state) > {{ var('max_address_length') }})
                    then 'address_too_long'
            end,
            case when {{ clean_text('created_at') }} is not null and created_at_parsed is null then 'created_at_unparseable' end,
            case when {{ is_future_dated('created_at_parsed') }} then 'created_at_future' end,
            case when {{ clean_text('updated_at') }} is not null and updated_at_parsed is null then 'updated_at_unparseable' end,
            case when {{ is_future_dated('updated_at_parsed') }} then 'updated_at_future' end
        ), '') as dq_flags
    from versioned
),

final as (
    select
        -- keys
        raw_row_id,
        clean_customer_id as normalized_customer_id,
        -- person
        first_name_clean as normalized_first_name,
        last_name_clean as normalized_last_name,
        date_of_birth_clean as normalized_date_of_birth,
        coalesce(gender_label, 'unknown') as normalized_gender,
        -- contact
        email_clean as normalized_email,
        case when {{ is_e164('phone_candidate') }} then phone_candidate end as normalized_phone_e164,
        -- address
        street_number_clean as normalized_street_number,
        address_line_1_clean as normalized_address_line_1,
        address_line_2_clean as normalized_address_line_2,
        city_clean as normalized_city,
        postcode_clean as normalized_postcode,
        state_clean as normalized_state,
        country_code as normalized_country_code,
        -- programme and dates
        loyalty_id_clean as normalized_loyalty_id,
        created_at_utc as normalized_created_at,
        updated_at_utc as normalized_updated_at,
        -- quality
        dq_flags,
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }}
    from validated
)

select * from final
