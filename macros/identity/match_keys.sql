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


{#-
    A coarse phonetic key of a name match key (lowercase a-z), for blocking:
    consonants in Soundex's sound classes (b f p v / c g j k q s x z / d t /
    l / m n / r), vowels and h, w, y dropped, repeats of a class collapsed,
    the first four classes kept. Unlike Soundex the first letter is coded
    too, so 'catherine', 'katherine' and 'kathryn' share '2365', and 'smith'
    and 'smyth' share '253'. Null when the name has no consonant.
-#}
{% macro phonetic_key(expr) -%}
    {%- set coded = "translate(" ~ expr ~ ", 'bfpvcgjkqsxzdtlmnraeiouyhw', '111122222222334556')" -%}
    {%- for digit in range(1, 7) -%}
        {%- set coded = regexp_replace_all(coded, digit ~ '+', digit | string) -%}
    {%- endfor -%}
    nullif(substring({{ coded }}, 1, 4), '')
{%- endmacro %}


{#-
    First and last name match keys in alphabetical order, joined by a blank:
    the same for 'Nguyen Anna' typed as first 'Nguyen', last 'Anna'. Null
    unless both are present.
-#}
{% macro name_pair_key(first_name, last_name) -%}
    case
        when {{ first_name }} <= {{ last_name }} then {{ dbt.concat([first_name, "' '", last_name]) }}
        else {{ dbt.concat([last_name, "' '", first_name]) }}
    end
{%- endmacro %}


{#-
    A date of birth as its year and its two other parts in ascending order
    ('1985-4-7' for both 7 April and 4 July 1985): a day/month transposition
    keeps its key.
-#}
{% macro birth_date_key(expr) -%}
    {%- set month = 'extract(month from ' ~ expr ~ ')' -%}
    {%- set day = 'extract(day from ' ~ expr ~ ')' -%}
    {{ dbt.concat([
        'cast(extract(year from ' ~ expr ~ ') as ' ~ dbt.type_string() ~ ')', "'-'",
        'cast(least(' ~ month ~ ', ' ~ day ~ ') as ' ~ dbt.type_string() ~ ')', "'-'",
        'cast(greatest(' ~ month ~ ', ' ~ day ~ ') as ' ~ dbt.type_string() ~ ')']) }}
{%- endmacro %}
