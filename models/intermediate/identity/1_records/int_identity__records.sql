-- Every record that can stand for a person, from every source, in one shape:
-- CRM customers, web cookies (bots left out: they are not people), email
-- recipients and third-party records. Carries the staged attributes the
-- golden record chooses from and the match keys probabilistic matching
-- compares. Each source supplies the attributes it has; the rest are null.
-- Grain: one row per (record_source, record_key).
{%- set attributes = {
    'customer_id': dbt.type_string(), 'first_name': dbt.type_string(),
    'last_name': dbt.type_string(), 'date_of_birth': 'date', 'gender': dbt.type_string(),
    'email': dbt.type_string(), 'phone_e164': dbt.type_string(),
    'street_number': dbt.type_string(), 'address_line_1': dbt.type_string(),
    'address_line_2': dbt.type_string(), 'city': dbt.type_string(),
    'postcode': dbt.type_string(), 'state': dbt.type_string(),
    'country_code': dbt.type_string(), 'loyalty_id': dbt.type_string(),
} %}
{%- set supplied = {
    'crm_records': attributes.keys() | list,
    'third_party_records': ['first_name', 'last_name', 'date_of_birth', 'email', 'phone_e164',
        'address_line_1', 'city', 'postcode', 'state', 'country_code'],
    'web_records': ['email'],
    'esp_records': ['email'],
} %}
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

demographics as (
    select * from {{ ref('stg_third_party__demographics') }}
),

demographic_deliveries as (
    select * from {{ ref('stg_third_party__demographic_deliveries') }}
),

cookie_activity as (
    select * from {{ ref('int_identity__cookie_activity') }}
),

email_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

crm_records as (
    select
        'crm_customers' as record_source,
        customer_id as record_key,
        customer_id,
        first_name,
        last_name,
        date_of_birth,
        nullif(gender, 'unknown') as gender,
        email,
        phone_e164,
        street_number,
        address_line_1,
        address_line_2,
        city,
        postcode,
        state,
        country_code,
        loyalty_id,
        created_at as first_seen_at,
        updated_at as last_seen_at,
        updated_at as record_updated_at
    from customers
),

-- a provider record was first seen at its first delivery
first_deliveries as (
    select
        provider_record_id,
        min(delivered_at) as first_delivered_at
    from demographic_deliveries
    group by provider_record_id
),

third_party_records as (
    select
        'third_party_demographics' as record_source,
        demographics.provider_record_id as record_key,
        demographics.first_name,
        demographics.last_name,
        demographics.date_of_birth,
        demographics.email,
        demographics.phone_e164,
        demographics.street_address as address_line_1,
        demographics.city,
        demographics.postcode,
        demographics.state,
        demographics.country_code,
        coalesce(first_deliveries.first_delivered_at, demographics.delivered_at) as first_seen_at,
        demographics.delivered_at as last_seen_at,
        demographics.delivered_at as record_updated_at
    from demographics
    left join first_deliveries
        on demographics.provider_record_id = first_deliveries.provider_record_id
),

cookies as (
    select
        cookie_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        {{ dbt.bool_or('has_bot_events') }} as has_bot_events
    from cookie_activity
    group by cookie_id
),

-- the address most recently typed into a form on this device
cookie_emails as (
    select
        cookie_id,
        email,
        row_number() over (
            partition by cookie_id
            order by last_seen_at desc, email asc
        ) as recency_rank
    from cookie_activity
    where email is not null
),

web_records as (
    select
        'web_cookies' as record_source,
        cookies.cookie_id as record_key,
        cookie_emails.email,
        cookies.first_seen_at,
        cookies.last_seen_at,
        cookies.last_seen_at as record_updated_at
    from cookies
    left join cookie_emails
        on
            cookies.cookie_id = cookie_emails.cookie_id
            and cookie_emails.recency_rank = 1
    where not cookies.has_bot_events
),

-- The ESP keys its audience by address: one recipient per address as the
-- ESP stores it, normalized in staging.
esp_records as (
    select
        'esp_recipients' as record_source,
        recipient_email as record_key,
        recipient_email as email,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        max(occurred_at) as record_updated_at
    from email_events
    group by recipient_email
),

unioned as (
    {%- for source_records, columns in supplied.items() %}
    select
        record_source,
        record_key,
        {%- for attribute, data_type in attributes.items() %}
        {%- if attribute in columns %}
        {{ attribute }},
        {%- else %}
        cast(null as {{ data_type }}) as {{ attribute }},
        {%- endif %}
        {%- endfor %}
        first_seen_at,
        last_seen_at,
        record_updated_at
    from {{ source_records }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

keyed as (
    select
        {{ record_id('unioned.record_source', 'unioned.record_key') }} as record_id,
        unioned.*,
        -- match keys (see macros/identity/match_keys.sql)
        {{ name_match_key('first_name') }} as match_first_name,
        {{ name_match_key('last_name') }} as match_last_name,
        {{ address_match_key(
            dbt.concat(["coalesce(street_number, '')", "' '", "coalesce(address_line_1, '')",
                "' '", "coalesce(address_line_2, '')"])) }} as match_address,
        {{ name_match_key('city') }} as match_city
    from unioned
),

-- Blocking keys (var identity_blocking_rules): each survives a kind of error
-- that breaks exact agreement on its column.
blocking_keys as (
    select
        *,
        -- typos rarely touch a name's first letter
        substring(match_first_name, 1, 1) as match_first_initial,
        substring(match_last_name, 1, 1) as match_last_initial,
        -- misspellings that sound alike ('smyth', 'kathryn') keep the key
        {{ phonetic_key('match_first_name') }} as match_first_phonetic,
        {{ phonetic_key('match_last_name') }} as match_last_phonetic,
        -- first and last name typed in each other's field
        {{ name_pair_key('match_first_name', 'match_last_name') }} as match_name_pair,
        -- the same for a swap with typos past the second letter
        {{ name_pair_key('substring(match_first_name, 1, 2)', 'substring(match_last_name, 1, 2)') }} as match_name_prefixes,
        -- the postcode's area: survives a typo in the rest of it
        substring(postcode, 1, 2) as match_postcode_prefix,
        -- and its last two characters: survive a typo in the area
        {{ dbt.right('postcode', '2') }} as match_postcode_suffix,
        -- the city's first three letters: survive a typo past them
        substring(match_city, 1, 3) as match_city_prefix,
        -- both names' first letters in either order
        {{ name_pair_key('substring(match_first_name, 1, 1)', 'substring(match_last_name, 1, 1)') }} as match_name_initials,
        -- day and month transposed
        {{ birth_date_key('date_of_birth') }} as match_birth_date_key,
        extract(year from date_of_birth) as match_birth_year,
        -- the year and month: survive a typo in the day
        extract(year from date_of_birth) * 100 + extract(month from date_of_birth) as match_birth_month,
        -- the address by parts, for a typo in the other part: the first number of
        -- the address key and the first three letters of its first word
        nullif({{ regexp_extract_group('match_address', '([0-9]+)', 1) }}, '') as match_street_number,
        nullif(substring({{ regexp_extract_group('match_address', '([a-z]+)', 1) }}, 1, 3), '') as match_street_prefix
    from keyed
),

-- Keys read from the keys above, each computed once.
final as (
    select
        *,
        -- a swap with a misspelling in it: both names' sounds, in alphabetical order
        {{ name_pair_key('match_first_phonetic', 'match_last_phonetic') }} as match_phonetic_pair
    from blocking_keys
)

select * from final
