{#-
    The bound an order amount, converted to the reporting currency, must stay
    under to be money (var max_plausible_order_amount). It cannot exceed
    1e12: amounts downstream are fixed-point (an average order value is a
    decimal(18, 6) in the cluster profiles), and a larger bound would let one
    hostile row overflow them and stop the build instead of being
    quarantined.
-#}
{% macro max_plausible_order_amount() -%}
    {#- YAML reads 1e12 (no dot) as text: the float filter reads it as a number,
        and anything that is not one as 0, which is refused -#}
    {%- set bound = var('max_plausible_order_amount') | float -%}
    {%- if bound <= 0 or bound > 1000000000000 -%}
        {{ exceptions.raise_compiler_error(
            "var max_plausible_order_amount must be a number above 0 and at most 1e12 (the largest"
            ~ " amount the fixed-point columns downstream hold), got " ~ var('max_plausible_order_amount')) }}
    {%- endif -%}
    {{- bound -}}
{%- endmacro %}
