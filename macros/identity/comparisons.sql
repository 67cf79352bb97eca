{#- Fellegi-Sunter comparisons. Each comparison of var('identity_comparisons')
    turns a pair of values into a level: -1 when either side is null (no
    evidence either way), 0 when they disagree, and higher levels for closer
    agreement, the top level being an exact match. The levels of a method are
    listed once, in comparison_labels, so SQL and the weights table agree. -#}

{#- The configured comparisons, checked: name -> {column, method, thresholds,
    transposed_with, fallback_column, term_frequency, derived_keys}. -#}
{% macro identity_comparisons() %}
    {%- set comparisons = var('identity_comparisons') -%}
    {%- if comparisons is not mapping or (comparisons | length) == 0 -%}
        {{ exceptions.raise_compiler_error("identity_comparisons must be a non-empty mapping of comparison name to settings") }}
    {%- endif -%}
    {%- for name, spec in comparisons.items() -%}
        {%- set where = "identity_comparisons." ~ name -%}
        {%- do identity_column_name(name, where) -%}
        {%- if spec is not mapping -%}
            {{ exceptions.raise_compiler_error(where ~ ": settings must be a mapping with column and method") }}
        {%- endif -%}
        {%- do identity_column_name(spec.column, where ~ ".column") -%}
        {%- if spec.method not in ('exact', 'similarity', 'date') -%}
            {{ exceptions.raise_compiler_error(
                where ~ ": method must be exact, similarity or date, not '" ~ spec.method ~ "'") }}
        {%- endif -%}
        {%- if spec.method == 'similarity' -%}
            {%- set thresholds = spec.thresholds | default([]) -%}
            {%- if (thresholds | length) == 0 -%}
                {{ exceptions.raise_compiler_error(where ~ ": a similarity comparison needs thresholds, e.g. [0.92, 0.8]") }}
            {%- endif -%}
            {%- for threshold in thresholds -%}
                {%- if threshold is not number or threshold <= 0 or threshold >= 1 -%}
                    {{ exceptions.raise_compiler_error(where ~ ".thresholds: each must be a number between 0 and 1, not '" ~ threshold ~ "'") }}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- if spec.transposed_with is defined and spec.transposed_with is not none -%}
            {%- do identity_column_name(spec.transposed_with, where ~ ".transposed_with") -%}
        {%- endif -%}
        {%- if spec.fallback_column is defined and spec.fallback_column is not none -%}
            {%- do identity_column_name(spec.fallback_column, where ~ ".fallback_column") -%}
        {%- endif -%}
        {%- if spec.term_frequency is defined and spec.term_frequency is not boolean -%}
            {{ exceptions.raise_compiler_error(where ~ ".term_frequency must be true or false, not '" ~ spec.term_frequency ~ "'") }}
        {%- endif -%}
        {%- for key in spec.derived_keys | default([]) -%}
            {%- do identity_column_name(key, where ~ ".derived_keys") -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(comparisons) }}
{% endmacro %}


{#- The comparisons whose exact agreement is weighed by how common the agreed value is. -#}
{% macro identity_term_frequency_comparisons() %}
    {%- set chosen = {} -%}
    {%- for name, spec in identity_comparisons().items() -%}
        {%- if spec.term_frequency | default(false) -%}
            {%- do chosen.update({name: spec}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(chosen) }}
{% endmacro %}


{#- The orders a blocking rule's blocks are walked in: up to `orderings`
    compared columns the rule does not block on (a rule blocks on a
    comparison when it names its column or one of its derived_keys), in
    declared order, each a list of the columns to order by. A duplicate whose
    typo falls in one field sits next to its twin in the order another field
    leads. Ties are broken by the record, not by further compared columns:
    within a block a tie on the leading column is rare, and every column
    more in the sort costs each pass. A rule that blocks on every comparison gets
    one order, by the first compared column. -#}
{% macro identity_block_orders(rule, orderings) %}
    {%- set columns = [] -%}
    {%- set leads = [] -%}
    {%- for name, spec in identity_comparisons().items() -%}
        {%- if spec.column not in columns -%}
            {%- do columns.append(spec.column) -%}
            {%- set keys = [spec.column] + (spec.derived_keys | default([])) -%}
            {%- if (keys | select('in', rule) | list | length) == 0 and (leads | length) < orderings -%}
                {%- do leads.append(spec.column) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set orders = [] -%}
    {%- for lead in (leads if leads else [columns[0]]) -%}
        {%- do orders.append([lead]) -%}
    {%- endfor -%}
    {{ return(orders) }}
{% endmacro %}


{#- The configured blocking rules, checked: a list of non-empty lists of column names. -#}
{% macro identity_blocking_rules() %}
    {%- set rules = var('identity_blocking_rules') -%}
    {%- if rules is string or rules is mapping or rules is not iterable or (rules | length) == 0 -%}
        {{ exceptions.raise_compiler_error("identity_blocking_rules must be a non-empty list of rules, each a list of columns of int_identity__records") }}
    {%- endif -%}
    {%- for rule in rules -%}
        {%- if rule is string or rule is mapping or rule is not iterable or (rule | length) == 0 -%}
            {{ exceptions.raise_compiler_error("identity_blocking_rules[" ~ loop.index0 ~ "] must be a non-empty list of columns, e.g. [postcode, match_last_phonetic]") }}
        {%- endif -%}
        {%- set rule_index = loop.index0 -%}
        {%- for column in rule -%}
            {%- do identity_column_name(column, "identity_blocking_rules[" ~ rule_index ~ "]") -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(rules) }}
{% endmacro %}


{#- A configured name goes into SQL as an identifier: only lowercase letters, digits and underscores. -#}
{% macro identity_column_name(value, where) %}
    {%- if value is not string or not modules.re.fullmatch('[a-z_][a-z0-9_]*', value) -%}
        {{ exceptions.raise_compiler_error(where ~ ": '" ~ value ~ "' is not a column name (lowercase letters, digits and underscores)") }}
    {%- endif -%}
{% endmacro %}


{#- Level labels of a comparison, level 0 first. A comparison `transposed_with`
    another column gets a level just below exact for values typed in each
    other's field (first and last name swapped): each side's value agrees with
    the other side's other column, exactly, or for a similarity comparison at
    its loosest threshold both ways (a swap with a typo in either name). Evidence that
    never counts for more than an exact agreement (estimation keeps the
    weights in level order). A comparison with a `fallback_column` gets a
    level just above 'different' for a pair whose values differ, or are
    missing on a side, while that column agrees exactly: the same city
    beside a postcode with two typos. It is one comparison with its
    fallback, not two, because the two agree together far more often than
    independent evidence would (a shared postcode almost always means a
    shared city), and two comparisons would count that agreement twice. -#}
{% macro comparison_labels(spec) %}
    {%- set labels = ['different'] -%}
    {%- if spec.fallback_column | default(none) is not none -%}
        {%- do labels.append('different, ' ~ spec.fallback_column ~ ' exact') -%}
    {%- endif -%}
    {%- if spec.method == 'date' -%}
        {%- do labels.extend(['one of year, month, day differs', 'day and month transposed']) -%}
    {%- elif spec.method == 'similarity' -%}
        {%- for threshold in spec.thresholds | sort -%}
            {%- do labels.append('similarity >= ' ~ threshold) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if spec.transposed_with | default(none) is not none -%}
        {%- do labels.append('transposed with ' ~ spec.transposed_with) -%}
    {%- endif -%}
    {%- do labels.append('exact') -%}
    {{ return(labels) }}
{% endmacro %}


{#- The level of the pair (left, right) under `spec`, as an integer expression;
    `left_other` and `right_other` are the two sides' `transposed_with` column,
    `left_fallback` and `right_fallback` their `fallback_column`.
    `similarities` names the string similarities a similarity comparison's
    levels read, computed beforehand: `same` (left with right), `left_to_other`
    (left with right_other) and `other_to_left` (left_other with right); none:
    computed here. -#}
{% macro comparison_level(spec, left, right, left_other=none, right_other=none, similarities=none, left_fallback=none, right_fallback=none) -%}
    {%- set top = comparison_labels(spec) | length - 1 %}
    {%- set fallback = left_fallback is not none %}
    {%- if fallback != (spec.fallback_column | default(none) is not none) %}
        {{ exceptions.raise_compiler_error("comparison_level: pass the two sides' fallback_column exactly when the comparison has one, so its levels are its labels") }}
    {%- endif %}
    {#- the levels above 'different' and its fallback level start here #}
    {%- set base = 1 if fallback else 0 %}
    {%- if spec.method == 'similarity' and similarities is none %}
        {%- set similarities = {'same': string_similarity(left, right)} %}
        {%- if left_other is not none %}
            {%- do similarities.update({
                'left_to_other': string_similarity(left, right_other),
                'other_to_left': string_similarity(left_other, right)}) %}
        {%- endif %}
    {%- endif %}
    case
    {%- if fallback %}
        when ({{ left }} is null or {{ right }} is null) and {{ left_fallback }} = {{ right_fallback }} then 1
    {%- endif %}
        when {{ left }} is null or {{ right }} is null then -1
        when {{ left }} = {{ right }} then {{ top }}
    {%- if left_other is not none and spec.method == 'similarity' %}
        {%- set loosest = spec.thresholds | min %}
        when {{ similarities.left_to_other }} >= {{ loosest }}
            and {{ similarities.other_to_left }} >= {{ loosest }}
            then {{ top - 1 }}
    {%- elif left_other is not none %}
        when {{ left }} = {{ right_other }} and {{ left_other }} = {{ right }} then {{ top - 1 }}
    {%- endif %}
    {%- if spec.method == 'date' %}
        when extract(year from {{ left }}) = extract(year from {{ right }})
            and extract(month from {{ left }}) = extract(day from {{ right }})
            and extract(day from {{ left }}) = extract(month from {{ right }})
            then {{ base + 2 }}
        when (case when extract(year from {{ left }}) = extract(year from {{ right }}) then 1 else 0 end)
            + (case when extract(month from {{ left }}) = extract(month from {{ right }}) then 1 else 0 end)
            + (case when extract(day from {{ left }}) = extract(day from {{ right }}) then 1 else 0 end) = 2
            then {{ base + 1 }}
    {%- elif spec.method == 'similarity' %}
        {%- for threshold in spec.thresholds | sort(reverse=true) %}
        when {{ similarities.same }} >= {{ threshold }} then {{ base + loop.revindex }}
        {%- endfor %}
    {%- endif %}
    {%- if fallback %}
        when {{ left_fallback }} = {{ right_fallback }} then 1
    {%- endif %}
        else 0
    end
{%- endmacro %}


{#- The (left column, right column) pairs whose string similarity the levels
    of a similarity comparison read, by role (see comparison_level): `same`,
    and with a transposed_with column `left_to_other` and `other_to_left`.
    Empty for the other methods. -#}
{% macro comparison_similarity_pairs(spec) %}
    {%- set pairs = {} -%}
    {%- if spec.method == 'similarity' -%}
        {%- set other = spec.transposed_with | default(none) -%}
        {%- do pairs.update({'same': [spec.column, spec.column]}) -%}
        {%- if other is not none -%}
            {%- do pairs.update({'left_to_other': [spec.column, other], 'other_to_left': [other, spec.column]}) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(pairs) }}
{% endmacro %}


{#- The name comparison_inputs gives the string similarity of a pair of
    columns, [left column, right column]. -#}
{% macro similarity_input_name(pair) -%}
    {{ pair[0] }}__{{ pair[1] }}__similarity
{%- endmacro %}


{#- What the levels of the configured comparisons are computed from: the
    compared columns (each comparison's column, its transposed_with and its
    fallback_column) and the (left column, right column) pairs whose string
    similarity a level reads, each once. -#}
{% macro comparison_input_names() %}
    {%- set columns = [] -%}
    {%- set similarities = [] -%}
    {%- for name, spec in identity_comparisons().items() -%}
        {%- for column in [spec.column, spec.transposed_with | default(none), spec.fallback_column | default(none)] -%}
            {%- if column is not none and column not in columns -%}
                {%- do columns.append(column) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for pair in comparison_similarity_pairs(spec).values() -%}
            {%- if pair not in similarities -%}
                {%- do similarities.append(pair) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({'columns': columns, 'similarities': similarities}) }}
{% endmacro %}


{#- The select list of the step before comparison_level_columns, for the pair
    of records `left`, `right` (table aliases): each compared column of both
    (`<column>__left`, `<column>__right`) and each string similarity the
    levels read (`<left column>__<right column>__similarity`). A similarity is
    computed once per pair here, because an engine may evaluate it as often as
    a query names it (Spark does: its Jaro-Winkler is an expression over
    arrays), and the levels name the same similarities several times. -#}
{% macro comparison_inputs(left, right) -%}
    {%- set inputs = comparison_input_names() %}
    {%- for column in inputs.columns %}
    {{ left }}.{{ column }} as {{ column }}__left,
    {{ right }}.{{ column }} as {{ column }}__right
    {%- if not loop.last or inputs.similarities %},{% endif %}
    {%- endfor %}
    {%- for pair in inputs.similarities %}
    {{ string_similarity(left ~ '.' ~ pair[0], right ~ '.' ~ pair[1]) }} as {{ similarity_input_name(pair) }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- One `<name>` level column per configured comparison, from the columns of comparison_inputs. -#}
{% macro comparison_level_columns() -%}
    {%- for name, spec in identity_comparisons().items() %}
    {%- set column = spec.column %}
    {%- set other = spec.transposed_with | default(none) %}
    {%- set similarities = {} %}
    {%- for role, pair in comparison_similarity_pairs(spec).items() %}
        {%- do similarities.update({role: similarity_input_name(pair)}) %}
    {%- endfor %}
    {%- set fallback = spec.fallback_column | default(none) %}
    {{ comparison_level(spec, column ~ '__left', column ~ '__right',
        other ~ '__left' if other is not none else none,
        other ~ '__right' if other is not none else none,
        similarities,
        fallback ~ '__left' if fallback is not none else none,
        fallback ~ '__right' if fallback is not none else none) }} as {{ name }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- Base-2 logarithm, the unit of match weights (bits). -#}
{% macro log2(expr) -%}
    (ln({{ expr }}) / ln(2.0))
{%- endmacro %}
