{#- Keys that make two spellings of the same name or address compare equal.
    They feed blocking and comparison only; the profile shows the staged values. -#}

{#-
    A name reduced to lowercase ASCII letters ('D''Angelo' and 'dangelo',
    'Zoë' and 'ZOE', 'Mary-Ann' and 'Maryann' agree). Null when no letter is
    left.
-#}
{% macro name_match_key(expr) -%}
    nullif({{ regexp_replace_all('lower(' ~ strip_accents(expr) ~ ')', '[^a-z]', '') }}, '')
{%- endmacro %}


{#-
    An address line reduced to its distinctive words in sorted order: lowercase
    ASCII, punctuation turned into blanks, unit words and street types
    dropped. '35/30 Nepean Ave' and '30 Nepean Avenue, Unit 35' both become
    '30 35 nepean'. Null when nothing is left.
-#}
{% macro address_match_key(expr) -%}
    {%- set words = regexp_replace_all('lower(' ~ strip_accents(expr) ~ ')', '[^a-z0-9]+', ' ') -%}
    {%- set distinctive = regexp_replace_all(words, '\\b(' ~ var('identity_address_noise_words') ~ ')\\b', ' ') -%}
    nullif({{ sorted_tokens('trim(' ~ regexp_replace_all(distinctive, ' +', ' ') ~ ')') }}, '')
{%- endmacro %}
