{#- Small engine differences, each behind one dispatched macro. -#}

{#- Cast that yields null instead of failing on values that do not convert. -#}
{% macro try_cast_as(expr, data_type) %}
    {{- return(adapter.dispatch('try_cast_as', 'open_segments')(expr, data_type)) -}}
{% endmacro %}

{% macro default__try_cast_as(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}


{#- Latin letters without diacritics ('Zoë' -> 'Zoe'). -#}
{% macro strip_accents(expr) %}
    {{- return(adapter.dispatch('strip_accents', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__strip_accents(expr) -%}
    translate(
        {{ expr }},
        'áàâäãåāăąçćčďéèêëēėęěğíìîïīįıłñńňóòôöõøōőřśšşťúùûüūůűųýÿźžżÁÀÂÄÃÅĀĂĄÇĆČĎÉÈÊËĒĖĘĚĞÍÌÎÏĪĮİŁÑŃŇÓÒÔÖÕØŌŐŘŚŠŞŤÚÙÛÜŪŮŰŲÝŸŹŽŻ',
        'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnoooooooorsssstuuuuuuuuyyzzzAAAAAAAAACCCDEEEEEEEEGIIIIIIILNNNOOOOOOOORSSSSTUUUUUUUUYYZZZ'
    )
{%- endmacro %}

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}


{#- True for a finite number: false for NaN, +/-infinity and null. -#}
{% macro is_finite(expr) %}
    {{- return(adapter.dispatch('is_finite', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__is_finite(expr) -%}
    coalesce(not isnan({{ expr }}) and abs({{ expr }}) < double('infinity'), false)
{%- endmacro %}

{% macro duckdb__is_finite(expr) -%}
    coalesce(isfinite({{ expr }}), false)
{%- endmacro %}
