-- Every record that can stand for a person, from every source, in one shape:
-- CRM customers, web cookies (bots left out: they are not people), email
-- recipients and third-party records. Carries the staged attributes the
-- golden record chooses from and the match keys probabilistic matching
-- compares. Grain: one row per (record_source, record_key).
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

demographics as (
    select * from {{ ref('stg_third_party__demographics') }}
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

third_party_records as (
    select
        'third_party_demographics' as record_source,
        provider_record_id as record_key,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        first_name,
        last_name,
        cast(null as date) as date_of_birth,
        cast(null as {{ dbt.type_string() }}) as gender,
        email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as street_number,
        street_address as address_line_1,
        cast(null as {{ dbt.type_string() }}) as address_line_2,
        city,
        postcode,
        state,
        country_code,
        cast(null as {{ dbt.type_string() }}) as loyalty_id,
        delivered_at as first_seen_at,
        delivered_at as last_seen_at,
        delivered_at as record_updated_at
    from demographics
),

cookies as (
    select
        cookie_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        max(has_bot_events) as has_bot_events
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
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as date) as date_of_birth,
        cast(null as {{ dbt.type_string() }}) as gender,
        cookie_emails.email,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as street_number,
        cast(null as {{ dbt.type_string() }}) as address_line_1,
        cast(null as {{ dbt.type_string() }}) as address_line_2,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as postcode,
        cast(null as {{ dbt.type_string() }}) as state,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as loyalty_id,
        cookies.first_seen_at,
        cookies.last_seen_at,
        cookies.last_seen_at as record_updated_at
    from cookies
    left join cookie_emails
        on
            cookies.cookie_id = cookie_emails.cookie_id
            and cookie_emails.recency_rank = 1
    where cookies.has_bot_events = 0
),

-- The ESP keys its audience by address: one recipient per address as the
-- ESP stores it, normalized in staging.
esp_records as (
    select
        'esp_recipients' as record_source,
        recipient_email as record_key,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as date) as date_of_birth,
        cast(null as {{ dbt.type_string() }}) as gender,
        recipient_email as email,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as street_number,
        cast(null as {{ dbt.type_string() }}) as address_line_1,
        cast(null as {{ dbt.type_string() }}) as address_line_2,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as postcode,
        cast(null as {{ dbt.type_string() }}) as state,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as loyalty_id,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        max(occurred_at) as record_updated_at
    from email_events
    group by recipient_email
),

unioned as (
    select * from crm_records
    union all
    select * from third_party_records
    union all
    select * from web_records
    union all
    select * from esp_records
),

final as (
    select
        unioned.record_source || ':' || unioned.record_key as record_id,
        unioned.*,
        -- match keys (see macros/identity/match_keys.sql)
        {{ name_match_key('first_name') }} as match_first_name,
        {{ name_match_key('last_name') }} as match_last_name,
        {{ address_match_key(
            dbt.concat(["coalesce(street_number, '')", "' '", "coalesce(address_line_1, '')",
                "' '", "coalesce(address_line_2, '')"])) }} as match_address
    from unioned
)

select * from final
