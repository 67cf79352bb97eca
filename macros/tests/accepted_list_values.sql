{#-
    Every element of a comma-separated list column is one of `values`: a
    row's rejection reasons, each a code the model documents. Returns the
    offending elements.
-#}
{% test accepted_list_values(model, column_name, values) %}

select elements.list_element
from (
    select {{ comma_list_elements(column_name) }} as list_element
    from {{ model }}
    where {{ column_name }} is not null
) as elements
where elements.list_element not in ('{{ values | join("', '") }}')

{% endtest %}
