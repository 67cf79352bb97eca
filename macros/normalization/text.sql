{#- Text clean-up shared by every source. -#}

{#-
    Trimmed text, internal whitespace collapsed to one blank; null when
    nothing is left or the value is a placeholder for "no value"
    ('null', 'n/a', '-', 'unknown', ...). `names=true` keeps 'Na' and 'Nil':
    in a name field they are surnames (Korean, Arabic), not placeholders.
-#}
{% macro clean_text(expr, names=false) -%}
    {#- The placeholder test is a short-circuited regular expression rather than
        an IN list: engines plan long IN lists as a join per call site. -#}
    {%- set placeholders = 'null|none|n/a|-+|[.]|[?]|unknown|not provided' if names
        else 'null|none|n/a|na|nil|-+|[.]|[?]|unknown|not provided' %}
    nullif(
        case
            when length({{ expr }}) <= 14
                and {{ regexp_contains('lower(trim(' ~ expr ~ '))', '^(' ~ placeholders ~ ')$') }}
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
        when {{ regexp_contains(clean_text(expr, names=true), '\pL') }}
            then trim({{ regexp_replace_all(
                regexp_replace_all(clean_text(expr, names=true), "[^\pL\pM .'-]", ''),
                '\s+', ' ') }})
    end
{%- endmacro %}


{#- An address line: cleaned text, null when longer than `max_address_length`. -#}
{% macro normalize_address_line(expr) -%}
    case
        when length({{ expr }}) <= {{ var('max_address_length', 200) }} then {{ clean_text(expr) }}
    end
{%- endmacro %}


{#-
    A lookup from every distinct raw value of `column` in `relation` to its
    label in seeds/label_map.csv (`domain`), with the normalize_label form.
    Categorical columns hold a handful of distinct values in millions of rows:
    normalizing the distinct values and joining back on the raw text costs a
    hash join instead of a string pipeline per row. Join with
    `on <relation>.<column> = <lookup>.raw_value`.
-#}
{% macro label_lookup(relation, column, domain) -%}
    select
        raw_values.{{ column }} as raw_value,
        {{ normalize_label('raw_values.' ~ column) }} as normalized_label,
        label_map.label
    from (select distinct {{ column }} from {{ relation }}) as raw_values
    left join {{ ref('label_map') }} as label_map
        on label_map.domain = '{{ domain }}'
        and {{ normalize_label('raw_values.' ~ column) }} = label_map.raw_label
{%- endmacro %}
