{#- Text clean-up shared by every source. -#}

{#-
    Trimmed text, internal whitespace collapsed to one blank; null when
    nothing is left or the value is a placeholder for "no value"
    ('null', 'n/a', '-', 'unknown', ...).
-#}
{% macro clean_text(expr) -%}
    nullif(
        case
            when lower(trim({{ expr }})) in ('null', 'none', 'n/a', 'na', 'nil', '-', '--', '.', '?', 'unknown', 'not provided')
                then ''
            else trim({{ regexp_replace_all(expr, '\s+', ' ') }})
        end,
        ''
    )
{%- endmacro %}


{#-
    A categorical label in the form used as the key of seeds/label_map.csv:
    lowercase ASCII letters and digits, any run of other characters turned
    into one blank ('Home & Garden' -> 'home garden', 'add_to_cart' ->
    'add to cart'). Null when nothing is left.
-#}
{% macro normalize_label(expr) -%}
    nullif(trim({{ regexp_replace_all('lower(' ~ strip_accents(expr) ~ ')', '[^a-z0-9]+', ' ') }}), '')
{%- endmacro %}


{#-
    A person's name for display and matching: letters (any script), marks,
    blanks, hyphens, apostrophes and periods survive; digits, emoji and
    symbols go. Null when no letter is left, when the value is a placeholder,
    or when it is longer than `max_name_length` (a 10,000-character "name" is
    an export accident, not a name).
-#}
{% macro normalize_name(expr) -%}
    case
        when length({{ expr }}) > {{ var('max_name_length', 100) }} then null
        when {{ regexp_contains(clean_text(expr), '\pL') }}
            then trim({{ regexp_replace_all(
                regexp_replace_all(clean_text(expr), "[^\pL\pM .'-]", ''),
                '\s+', ' ') }})
    end
{%- endmacro %}


{#- An address line: cleaned text, null when longer than `max_address_length`. -#}
{% macro normalize_address_line(expr) -%}
    case
        when length({{ expr }}) <= {{ var('max_address_length', 200) }} then {{ clean_text(expr) }}
    end
{%- endmacro %}
