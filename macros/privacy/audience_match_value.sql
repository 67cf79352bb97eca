{#- Identifiers for advertising audiences, normalized as the ad platforms'
    customer-list specifications ask before hashing (Meta custom audiences;
    Google Customer Match agrees for email and names): lowercase, and for
    names, places and postcodes only letters and digits (spaces, punctuation
    and symbols removed; accented letters kept, in UTF-8). Empty is null. -#}
{% macro audience_match_value(expr) -%}
    nullif({{ regexp_replace_all('lower(' ~ expr ~ ')', '[^\\p{L}\\p{N}]', '') }}, '')
{%- endmacro %}

