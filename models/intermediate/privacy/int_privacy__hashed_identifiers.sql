-- The golden record's identifiers, normalized the way advertising and email
-- platforms match customer lists, then SHA-256 hashed: the only form in
-- which identifiers leave the pii group (activation exports read this).
-- Normalization follows the platforms' customer-list specifications: email
-- trimmed and lowercased; phone as digits with the country code and no '+';
-- names, city, state and postcode lowercased with only letters and digits,
-- except that a US state is its two-letter code ('Florida' -> 'fl', seed
-- us_state_codes) and a US ZIP code its first five digits; country as the
-- lowercase ISO code; date of birth as YYYYMMDD; gender m or f.
-- A missing value stays null (never the hash of an empty string).
-- Grain: one row per profile_id (erased profiles are absent).
with

profiles as (
    select * from {{ ref('int_customer__unified_profiles') }}
),

us_states as (
    select
        {{ audience_match_value('state_name') }} as state_key,
        lower(state_code) as state_code
    from {{ ref('us_state_codes') }}
),

-- the state as it is matched (computed once: the join below is then an
-- equality a hash join answers, not an expression tried on every pair)
keyed as (
    select
        *,
        {{ audience_match_value('state') }} as state_key
    from profiles
),

normalized as (
    select
        keyed.profile_id,
        nullif(lower(trim(keyed.email)), '') as email,
        nullif({{ regexp_replace_all('keyed.phone_e164', '[^0-9]', '') }}, '') as phone,
        {{ audience_match_value('keyed.first_name') }} as first_name,
        {{ audience_match_value('keyed.last_name') }} as last_name,
        {{ audience_match_value('keyed.city') }} as city,
        case
            when keyed.country_code = 'US'
                then coalesce(us_states.state_code, keyed.state_key)
            else keyed.state_key
        end as state,
        case
            when keyed.country_code = 'US'
                then substring({{ audience_match_value('keyed.postcode') }}, 1, 5)
            else {{ audience_match_value('keyed.postcode') }}
        end as postcode,
        lower(keyed.country_code) as country,
        keyed.date_of_birth,
        case keyed.gender when 'female' then 'f' when 'male' then 'm' end as gender
    from keyed
    left join us_states
        on
            keyed.state_key = us_states.state_key
            and keyed.country_code = 'US'
),

final as (
    select
        profile_id,
        {{ sha256_hex('email') }} as email_sha256,
        {{ sha256_hex('phone') }} as phone_sha256,
        {{ sha256_hex('first_name') }} as first_name_sha256,
        {{ sha256_hex('last_name') }} as last_name_sha256,
        {{ sha256_hex('city') }} as city_sha256,
        {{ sha256_hex('state') }} as state_sha256,
        {{ sha256_hex('postcode') }} as postcode_sha256,
        {{ sha256_hex('country') }} as country_sha256,
        {{ sha256_hex(dbt.concat([
            "cast(extract(year from date_of_birth) as " ~ dbt.type_string() ~ ")",
            dbt.right("'0' || cast(extract(month from date_of_birth) as " ~ dbt.type_string() ~ ")", 2),
            dbt.right("'0' || cast(extract(day from date_of_birth) as " ~ dbt.type_string() ~ ")", 2),
        ])) }} as date_of_birth_sha256,
        {{ sha256_hex('gender') }} as gender_sha256
    from normalized
)

select * from final
