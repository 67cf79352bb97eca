{#-
    Third-party demographic records, normalized and validated once: one row
    per distinct raw row (exact duplicates collapsed and counted), with every
    rule it breaks in `rejection_reasons` (the first also in
    `rejection_reason`), both null when staged. A delivery dated after the
    load time is quarantined (`future_delivered_at`) and never supersedes a
    real delivery of its record. A record with
    nothing to match it on (no email, hash or phone, and no name with an
    address, a postcode or a date of birth) is quarantined: it could never
    reach a customer. Either name will do: a delivery with a first name and
    an address is matchable by name and address.
-#}
{%- set raw_columns = [
    'provider_record_id', 'email', 'email_sha256', 'phone', 'first_name',
    'last_name', 'date_of_birth', 'street_address', 'city', 'postcode', 'state', 'country',
    'age', 'age_band', 'income_band', 'household_size', 'interests',
    'delivered_at',
] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('third_party', 'demographics') -%}

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

parsed as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.provider_record_id') }} as provider_record_id_clean,
        country_lookup.country_code,
        coalesce(country_lookup.country_code, '{{ var("default_country") }}') as numbering_country,
        {{ parse_utc_timestamp('distinct_rows.delivered_at') }} as delivered_at_utc,
        {{ parse_date('distinct_rows.date_of_birth') }} as date_of_birth_parsed,
        {{ try_cast_as('trim(distinct_rows.age)', type_double()) }} as age_number,
        {{ try_cast_as('trim(distinct_rows.household_size)', type_double()) }} as household_size_number
    from distinct_rows
    left join country_lookup
        on {{ normalize_label('distinct_rows.country') }} = country_lookup.lookup_key
),

normalized as (
    select
        parsed.*,
        {{ normalize_email('parsed.email') }} as email_clean,
        case
            when {{ regexp_contains('lower(trim(parsed.email_sha256))', '^[0-9a-f]{64}$') }}
                then lower(trim(parsed.email_sha256))
        end as email_sha256_clean,
        {{ e164_phone('parsed.phone', 'countries.calling_code', 'countries.trunk_prefix') }} as phone_candidate,
        {{ normalize_name('parsed.first_name') }} as first_name_clean,
        {{ normalize_name('parsed.last_name') }} as last_name_clean,
        case
            when parsed.date_of_birth_parsed >= cast('{{ var("min_birth_date") }}' as date)
                and parsed.date_of_birth_parsed
                <= cast(coalesce(parsed.delivered_at_utc, cast('{{ var("max_plausible_timestamp") }}' as timestamp)) as date)
                then parsed.date_of_birth_parsed
        end as date_of_birth_clean,
        {{ normalize_address_line('parsed.street_address') }} as street_address_clean,
        {{ normalize_address_line('parsed.city') }} as city_clean,
        {{ normalize_postcode('parsed.postcode', 'parsed.numbering_country') }} as postcode_clean,
        {{ normalize_address_line('parsed.state') }} as state_clean,
        case when age_number between 0 and 120 then cast(round(age_number) as {{ dbt.type_int() }}) end as age_clean,
        case
            when household_size_number between 1 and 30
                then cast(round(household_size_number) as {{ dbt.type_int() }})
        end as household_size_clean
    from parsed
    left join countries
        on parsed.numbering_country = countries.country_code
),

versioned as (
    -- A record delivered again supersedes the earlier delivery; a delivery
    -- time from a wrong clock ranks as no time at all.
    select
        *,
        row_number() over (
            partition by provider_record_id_clean
            order by
                case when not {{ is_future_dated('delivered_at_utc') }} then delivered_at_utc end desc nulls last,
                raw_row_id asc
        ) as version_rank
    from normalized
),

validated as (
    select
        *,
        nullif(concat_ws(
            ',',
            case when provider_record_id_clean is null then 'missing_provider_record_id' end,
            case
                when email_clean is null
                    and email_sha256_clean is null
                    and not {{ is_e164('phone_candidate') }}
                    and (
                        (first_name_clean is null and last_name_clean is null)
                        or (street_address_clean is null and postcode_clean is null and date_of_birth_clean is null)
                    )
                    then 'no_match_keys'
            end,
            case when {{ is_future_dated('delivered_at_utc') }} then 'future_delivered_at' end,
            case when provider_record_id_clean is not null and version_rank > 1 then 'superseded_version' end
        ), '') as rejection_reasons,
        nullif(concat_ws(
            ',',
            case when {{ clean_text('email') }} is not null and email_clean is null then 'email_invalid' end,
            case when {{ clean_text('email_sha256') }} is not null and email_sha256_clean is null then 'email_sha256_invalid' end,
            case when {{ clean_text('phone') }} is not null and not {{ is_e164('phone_candidate') }} then 'phone_invalid' end,
            case when {{ clean_text('date_of_birth') }} is not null and date_of_birth_parsed is null then 'date_of_birth_unparseable' end,
            case when date_of_birth_parsed is not null and date_of_birth_clean is null then 'date_of_birth_implausible' end,
            case when {{ clean_text('age') }} is not null and age_clean is null then 'age_invalid' end,
            case when {{ clean_text('household_size') }} is not null and household_size_clean is null then 'household_size_invalid' end,
            case when {{ clean_text('country') }} is not null and country_code is null then 'country_unmapped' end,
            case when {{ clean_text('delivered_at') }} is not null and delivered_at_utc is null then 'delivered_at_unparseable' end
        ), '') as dq_flags
    from versioned
),

final as (
    select
        -- keys
        raw_row_id,
        provider_record_id_clean as normalized_provider_record_id,
        -- match keys
        email_clean as normalized_email,
        email_sha256_clean as normalized_email_sha256,
        case when {{ is_e164('phone_candidate') }} then phone_candidate end as normalized_phone_e164,
        first_name_clean as normalized_first_name,
        last_name_clean as normalized_last_name,
        date_of_birth_clean as normalized_date_of_birth,
        street_address_clean as normalized_street_address,
        city_clean as normalized_city,
        postcode_clean as normalized_postcode,
        state_clean as normalized_state,
        country_code as normalized_country_code,
        -- attributes
        age_clean as normalized_age,
        replace({{ regexp_replace_all('lower(' ~ clean_text('age_band') ~ ')', '\s*(-|to)\s*', '-') }}, ' ', '') as normalized_age_band,
        replace({{ normalize_label('income_band') }}, ' ', '_') as normalized_income_band,
        household_size_clean as normalized_household_size,
        nullif(
            {{ regexp_replace_all(
                regexp_replace_all(
                    regexp_replace_all('lower(' ~ clean_text('interests') ~ ')', '\s*[|,;]+\s*', '|'),
                    '[^a-z0-9|]+', '_'),
                '^[|]+|[|]+$', '') }},
            ''
        ) as normalized_interests,
        -- time
        delivered_at_utc as normalized_delivered_at,
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
