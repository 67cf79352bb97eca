{#- Emails, phones and postcodes: format-level normalization only. Whether a
    well-formed value is junk ('test@test.com', '0000000000') is decided by the
    identity layer's guards, not here. -#}

{#-
    Lowercased, trimmed email address; null unless it is a plausible address
    (one '@', a dotted domain with a 2+ letter top level, no blanks, no '..',
    at most 254 characters). A trailing dot is dropped: 'jane@example.com.'
    names the same mailbox (the DNS root), and erasure requests typed by hand
    carry one. The cleaned value is computed once and matched with a
    capturing full-match, so the macro costs one pass per row.
-#}
{% macro normalize_email(expr) -%}
    {%- set bounded = 'case when length(' ~ expr ~ ') <= 254 then ' ~ expr ~ ' end' -%}
    nullif({{ regexp_extract_group(
        "trim(trailing '.' from lower(" ~ clean_text(bounded) ~ '))',
        "^([a-z0-9!#$%&'*+/=?^_`{|}~-]+([.][a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9]([a-z0-9-]*[a-z0-9])?([.][a-z0-9]([a-z0-9-]*[a-z0-9])?)*[.][a-z]{2,})$",
        1) }}, '')
{%- endmacro %}


{#-
    A phone number in E.164 ('+61412345678'), or null when it cannot be one.

    `calling_code` and `trunk_prefix` are expressions for the number's country
    (seeds/country_codes.csv, falling back to `default_country`). Handled: a
    leading '+' or '00' (international), the trunk prefix of national numbers
    ('0412 345 678' in AU), the country code typed without '+', punctuation
    and blanks, and a trailing extension ('x123', 'ext. 4'). Letters anywhere
    else, or fewer than 8 / more than 15 digits, make the number invalid.
-#}
{% macro e164_phone(expr, calling_code, trunk_prefix) -%}
    {#- '+44 (0)20 ...' writes the trunk prefix in brackets: it is dropped. -#}
    {%- set stripped = regexp_replace_all(
        regexp_replace_all('lower(trim(' ~ expr ~ '))', '\s*(x|ext|extension)[.]?\s*[0-9]+$', ''),
        '[(]0[)]', '') -%}
    {%- set digits = regexp_replace_all(stripped, '[^0-9]', '') -%}
    case
        when {{ regexp_contains(stripped, '^[+]?[0-9 ()./-]+$') }}
        then '+' || nullif(
            case
                when {{ stripped }} like '+%' then {{ digits }}
                when {{ digits }} like '00%' then substr({{ digits }}, 3)
                when {{ digits }} like ({{ calling_code }} || '%')
                    and length({{ digits }}) - length({{ calling_code }}) between 8 and 12
                    and not ({{ digits }} like (coalesce({{ trunk_prefix }}, '') || '%') and coalesce({{ trunk_prefix }}, '') <> '')
                    then {{ digits }}
                when coalesce({{ trunk_prefix }}, '') <> '' and {{ digits }} like ({{ trunk_prefix }} || '%')
                    then {{ calling_code }} || substr({{ digits }}, length({{ trunk_prefix }}) + 1)
                else {{ calling_code }} || {{ digits }}
            end,
            ''
        )
    end
{%- endmacro %}


{#- True for a well-formed E.164 number: '+', then 8 to 15 digits, no leading zero. -#}
{% macro is_e164(expr) -%}
    coalesce({{ regexp_contains(expr, '^[+][1-9][0-9]{7,14}$') }}, false)
{%- endmacro %}


{#-
    Postcode without blanks or punctuation, uppercased ('sw1a 1aa' ->
    'SW1A1AA'). Country rules: US ZIP+4 keeps the 5-digit ZIP; AU and NZ
    postcodes that lost their leading zero as numbers get it back ('800' ->
    '0800'). Null unless 3 to 10 letters or digits remain.
-#}
{% macro normalize_postcode(expr, country_iso2) -%}
    {%- set compact = 'upper(' ~ regexp_replace_all(expr, '[^A-Za-z0-9]', '') ~ ')' -%}
    case
        when length({{ compact }}) not between 3 and 10 then null
        when {{ country_iso2 }} = 'US' and {{ regexp_contains(compact, '^[0-9]{9}$') }}
            then substr({{ compact }}, 1, 5)
        when {{ country_iso2 }} in ('AU', 'NZ') and {{ regexp_contains(compact, '^[0-9]{3}$') }}
            then '0' || {{ compact }}
        else {{ compact }}
    end
{%- endmacro %}


{#-
    The value of a privacy subject identifier in the same form as the
    identifier it refers to: emails as normalize_email, phones as E.164 (with
    the given country numbering), customer ids as cleaned text (matched
    case-insensitively by int_privacy__subject_records), and the SHA-256 of an
    email or phone as 64 lowercase hex digits. Null when the value cannot be
    such an identifier.
-#}
{% macro normalize_subject_value(subject_type, subject_value, calling_code, trunk_prefix) -%}
    case {{ subject_type }}
        when 'email' then {{ normalize_email(subject_value) }}
        when 'phone' then
            case
                when {{ is_e164(e164_phone(subject_value, calling_code, trunk_prefix)) }}
                    then {{ e164_phone(subject_value, calling_code, trunk_prefix) }}
            end
        when 'customer_id' then {{ clean_text(subject_value) }}
        when 'email_sha256' then {{ sha256_text(subject_value) }}
        when 'phone_sha256' then {{ sha256_text(subject_value) }}
    end
{%- endmacro %}


{#- 64 hex digits, lowercased; null for anything else. -#}
{% macro sha256_text(expr) -%}
    case
        when {{ regexp_contains('lower(trim(' ~ expr ~ '))', '^[0-9a-f]{64}$') }}
            then lower(trim({{ expr }}))
    end
{%- endmacro %}


{#-
    The subject type a privacy row really names: its mapped label, except that
    an 'email' or 'phone' whose value is 64 hex digits is that identifier's
    SHA-256 (platforms export hashed subjects under the plain type's name).
-#}
{% macro privacy_subject_type(subject_type_label, subject_value) -%}
    case
        when {{ subject_type_label }} in ('email', 'phone')
            and {{ sha256_text(subject_value) }} is not null
            then {{ subject_type_label }} || '_sha256'
        else {{ subject_type_label }}
    end
{%- endmacro %}


{#-
    The digits of a phone subject written in national form ('07700 900123':
    no '+' or '00', a leading trunk '0'), without that '0': the national
    number, which int_privacy__subject_records matches against the phones of
    every country when the row names no country and the default country's
    reading matches nobody. Null for any other value.
-#}
{% macro national_phone_number(subject_type, subject_value) -%}
    {%- set digits = regexp_replace_all(subject_value, '[^0-9]', '') -%}
    case
        when {{ subject_type }} = 'phone'
            and {{ regexp_contains('trim(' ~ subject_value ~ ')', '^[(]?0[1-9][0-9 ().-]{5,16}$') }}
            then substr({{ digits }}, 2)
    end
{%- endmacro %}


{#-
    True for a subject value that is a placeholder, not an identifier: blank
    or punctuation only, one character repeated ('000', 'xxxx'), or a value
    the identity guards block for its type (var identity_blocked_patterns).
    Such a privacy row names nobody; it is quarantined without failing the
    build, where any other row whose subject cannot be read fails it.
-#}
{% macro is_placeholder_subject(subject_type, subject_value) -%}
    {%- set compact = regexp_replace_all('lower(coalesce(' ~ subject_value ~ ", ''))", '[^a-z0-9]', '') -%}
    {%- set patterns = var('identity_blocked_patterns', {}) -%}
    (
        {{ regexp_contains(compact, '^(0*|1+|2+|3+|4+|5+|6+|7+|8+|9+|x+|a+|z+)$') }}
        {%- if 'email' in patterns %}
        or ({{ subject_type }} = 'email' and {{ regexp_contains('lower(trim(' ~ subject_value ~ '))', patterns['email']) }})
        {%- endif %}
        {%- if 'phone' in patterns %}
        or ({{ subject_type }} = 'phone' and {{ regexp_contains(regexp_replace_all(subject_value, '[^0-9]', ''), patterns['phone']) }})
        {%- endif %}
    )
{%- endmacro %}


{#-
    The select of a privacy row's subject, shared by consent and erasure
    staging: every column of `relation` (which has subject_type_label,
    subject_value, subject_country_code and numbering_country), plus
    subject_value_clean (read in the numbering country), the
    subject_national_number of a national-form phone whose country was not
    given, and is_placeholder_subject.
-#}
{% macro privacy_subject_parsed(relation, countries) -%}
    select
        {{ relation }}.*,
        {{ normalize_subject_value(
            relation ~ '.subject_type_label', relation ~ '.subject_value',
            countries ~ '.calling_code', countries ~ '.trunk_prefix') }} as subject_value_clean,
        case
            when {{ relation }}.subject_country_code is null
                then {{ national_phone_number(relation ~ '.subject_type_label', relation ~ '.subject_value') }}
        end as subject_national_number,
        {{ is_placeholder_subject(relation ~ '.subject_type_label', relation ~ '.subject_value') }} as is_placeholder_subject
    from {{ relation }}
    left join {{ countries }}
        on {{ relation }}.numbering_country = {{ countries }}.country_code
{%- endmacro %}


{#-
    The rejection reason of a privacy row's subject, over the columns of
    privacy_subject_parsed; null when it can be read. A value is judged
    against its type, so a row without a type names only that.
-#}
{% macro privacy_subject_problem() -%}
    case
        when subject_type_label is null then 'unmapped_subject_type'
        when subject_value_clean is not null then null
        when is_placeholder_subject then 'placeholder_subject_value'
        else 'invalid_subject_value'
    end
{%- endmacro %}
