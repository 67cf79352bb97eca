{#-
    The segment registry, read from the project graph.

    A segment is a model named seg_<segment id> whose YAML entry carries
    `config: {meta: {segment: {...}}}` (docs/segments.md): name, a
    description template, owner, kind, priority, the raw sources it
    `requires` and those it `uses_if_present`, and its `thresholds`, each a
    name that says its comparison (`..._above`, `..._at_least`, `..._below`,
    `..._at_most`) with its type, bounds and `default`. The value in force is
    the default unless var `segment_thresholds` overrides it.

    `graph` is only populated at execution time: before that (parsing) the
    registry is empty and a threshold reads as 0, neither ever run. A unit
    test's graph is empty too: there the registry is empty and a segment's
    SQL reads each threshold from the test's `overrides: vars:
    segment_thresholds` (which states the thresholds the test is about).
-#}


{#- Every declared segment, keyed by segment id, validated, with
    `thresholds` holding the values in force and `description` rendered from
    them. Stops the run at the first problem, naming the segment and field. -#}
{% macro segment_registry() %}
    {%- if not execute or not graph.get('nodes') -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set registry = {} -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and (node.config.meta or {}).get('segment') is not none -%}
        {%- set segment_id = segment_id_of(node) -%}
        {%- do registry.update({segment_id: resolved_segment(segment_id, node.config.meta.segment)}) -%}
    {%- endfor -%}
    {%- do check_threshold_overrides(registry) -%}
    {{ return(registry) }}
{% endmacro %}


{#- The registry entries whose segment builds on this target: every rule
    segment; cluster and model segments where dbt Python models run
    (macros/engine/python_models.sql). -#}
{% macro built_segment_registry() %}
    {%- set built = {} -%}
    {%- for segment_id, segment in segment_registry().items() -%}
        {%- if segment.kind == 'rule' or python_models_enabled() -%}
            {%- do built.update({segment_id: segment}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(built) }}
{% endmacro %}


{#- The value in force of one threshold, for a segment's SQL:
    `{{ segment_threshold('frequent_buyers', 'orders_30d_above') }}`. The
    value is a number checked against the threshold's declared type and
    bounds, never text pasted into SQL. -#}
{% macro segment_threshold(segment_id, threshold) %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- if not graph.get('nodes') -%}
        {{ return(unit_test_threshold(segment_id, threshold)) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.seg_' ~ segment_id) -%}
    {%- set declared = (node.config.meta or {}).get('segment') if node else none -%}
    {%- if declared is none -%}
        {{ exceptions.raise_compiler_error("segment_threshold('" ~ segment_id ~ "', '" ~ threshold
            ~ "'): no segment " ~ segment_id ~ " (a model seg_" ~ segment_id ~ " with config.meta.segment in its YAML entry)") }}
    {%- endif -%}
    {%- set thresholds = resolved_thresholds(segment_id, declared) -%}
    {%- if threshold not in thresholds -%}
        {{ exceptions.raise_compiler_error("segment_threshold('" ~ segment_id ~ "', '" ~ threshold
            ~ "'): segment " ~ segment_id ~ " declares no such threshold (it has: " ~ (thresholds.keys() | join(', ')) ~ ")") }}
    {%- endif -%}
    {{ return(thresholds[threshold]) }}
{% endmacro %}


{#- A threshold where the graph is empty (a unit test): the value the test
    sets in overrides.vars.segment_thresholds, a number. -#}
{% macro unit_test_threshold(segment_id, threshold) %}
    {%- set value = ((var('segment_thresholds', {}) or {}).get(segment_id) or {}).get(threshold) -%}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error("segment_threshold('" ~ segment_id ~ "', '" ~ threshold ~ "'): the project graph is "
            ~ "empty here (a unit test): set the threshold in the test's overrides: vars: segment_thresholds: {"
            ~ segment_id ~ ": {" ~ threshold ~ ": <value>}}") }}
    {%- endif -%}
    {%- set problem = var_type_problem(value, {'type': 'number'}) -%}
    {%- if problem -%}
        {{ exceptions.raise_compiler_error("var segment_thresholds: " ~ segment_id ~ "." ~ threshold ~ " " ~ problem
            ~ ", got " ~ shown_value(value)) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#- seg_<id> -> <id>; any other name is refused. -#}
{% macro segment_id_of(node) %}
    {%- if not modules.re.match('^seg_[a-z][a-z0-9_]*$', node.name) -%}
        {{ exceptions.raise_compiler_error("model " ~ node.name ~ " declares config.meta.segment but is not named "
            ~ "seg_<segment id> (lowercase letters, digits, underscores)") }}
    {%- endif -%}
    {{ return(node.name[4:]) }}
{% endmacro %}


{#- One declared segment checked, with its thresholds in force and its
    description rendered. -#}
{% macro resolved_segment(segment_id, declared) %}
    {%- set where = "segment " ~ segment_id ~ " (config.meta.segment of seg_" ~ segment_id ~ ")" -%}
    {%- if declared is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ " must be a mapping") }}
    {%- endif -%}
    {%- set known_fields = ['name', 'description', 'owner', 'kind', 'priority', 'requires', 'uses_if_present', 'thresholds'] -%}
    {%- for field in declared if field not in known_fields -%}
        {{ exceptions.raise_compiler_error(where ~ " has an unknown field '" ~ field ~ "' (known: " ~ known_fields | join(', ') ~ ")") }}
    {%- endfor -%}
    {%- for field in ['name', 'description', 'owner', 'kind', 'priority', 'requires'] if declared.get(field) is none -%}
        {#- the message names segment_id.field, as the old registry's did -#}
        {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ " needs a " ~ field
            ~ " (config.meta.segment of seg_" ~ segment_id ~ ")") }}
    {%- endfor -%}
    {%- for field in ['name', 'description', 'owner'] if declared[field] is not string -%}
        {{ exceptions.raise_compiler_error(where ~ "." ~ field ~ " must be text") }}
    {%- endfor -%}
    {%- set kinds = ['rule', 'cluster', 'model'] -%}
    {%- if declared.kind not in kinds -%}
        {{ exceptions.raise_compiler_error(where ~ ".kind must be one of " ~ kinds | join(', ') ~ ", not '" ~ declared.kind ~ "'") }}
    {%- endif -%}
    {%- set priority_problem = var_type_problem(declared.priority, {'type': 'integer', 'min': 0}) -%}
    {%- if priority_problem -%}
        {{ exceptions.raise_compiler_error(where ~ ".priority " ~ priority_problem) }}
    {%- endif -%}
    {%- set known_sources = quarantined_source_tables() | map(attribute=0) | list -%}
    {%- for field in ['requires', 'uses_if_present'] -%}
        {%- set listed = declared.get(field, []) -%}
        {%- if listed is string or listed is mapping or listed is not iterable -%}
            {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ "." ~ field ~ " must be a list of source tables ("
                ~ known_sources | join(', ') ~ "), not '" ~ listed ~ "'") }}
        {%- endif -%}
        {%- for source_table in listed if source_table not in known_sources -%}
            {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ "." ~ field ~ " names an unknown source '"
                ~ source_table ~ "': sources are " ~ known_sources | join(', ')) }}
        {%- endfor -%}
    {%- endfor -%}
    {%- for source_table in declared.get('uses_if_present', []) if source_table in declared.requires -%}
        {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ " lists '" ~ source_table
            ~ "' both in requires and in uses_if_present") }}
    {%- endfor -%}
    {%- set thresholds = resolved_thresholds(segment_id, declared) -%}
    {{ return({
        'name': declared.name,
        'description': rendered_segment_description(segment_id, declared.description, thresholds),
        'owner': declared.owner,
        'kind': declared.kind,
        'priority': declared.priority | int,
        'requires': declared.requires | list,
        'uses_if_present': declared.get('uses_if_present', []) | list,
        'thresholds': thresholds,
    }) }}
{% endmacro %}


{#- {threshold name: value in force} of one segment: its declared default,
    or the value var segment_thresholds gives it; both checked against the
    threshold's type and bounds. -#}
{% macro resolved_thresholds(segment_id, declared) %}
    {%- set where = "segment " ~ segment_id ~ " (config.meta.segment of seg_" ~ segment_id ~ ")" -%}
    {%- set thresholds = declared.get('thresholds') or {} -%}
    {%- if thresholds is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ ".thresholds must be a mapping of threshold name to {type, default, min, max}") }}
    {%- endif -%}
    {%- set overrides = (var('segment_thresholds', {}) or {}).get(segment_id) or {} -%}
    {%- set values = {} -%}
    {%- for name, spec in thresholds.items() -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*_(above|at_least|below|at_most)$', name) -%}
            {{ exceptions.raise_compiler_error(where ~ ": threshold '" ~ name ~ "' must say its comparison: "
                ~ "a name ending in _above (>), _at_least (>=), _below (<) or _at_most (<=)") }}
        {%- endif -%}
        {%- if spec is not mapping or spec.get('type') not in ['integer', 'number'] or spec.get('default') is none -%}
            {{ exceptions.raise_compiler_error(where ~ ": threshold '" ~ name
                ~ "' needs a type (integer or number) and a default, e.g. {type: integer, min: 0, default: 4}") }}
        {%- endif -%}
        {%- set problem = var_type_problem(spec.default, spec) -%}
        {%- if problem -%}
            {{ exceptions.raise_compiler_error(where ~ ": the default of threshold '" ~ name ~ "' " ~ problem ~ ", got " ~ shown_value(spec.default)) }}
        {%- endif -%}
        {%- set value = overrides.get(name, spec.default) -%}
        {%- set problem = var_type_problem(value, spec) -%}
        {%- if problem -%}
            {{ exceptions.raise_compiler_error("var segment_thresholds: " ~ segment_id ~ "." ~ name ~ " " ~ problem
                ~ ", got " ~ shown_value(value)) }}
        {%- endif -%}
        {%- do values.update({name: value}) -%}
    {%- endfor -%}
    {{ return(values) }}
{% endmacro %}


{#- Var segment_thresholds names only segments and thresholds that exist:
    {segment id: {threshold name: value}}. -#}
{% macro check_threshold_overrides(registry) %}
    {%- set overrides = var('segment_thresholds', {}) -%}
    {%- if overrides is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error("var segment_thresholds must be a mapping {segment id: {threshold: value}}, got "
            ~ shown_value(overrides)) }}
    {%- endif -%}
    {%- for segment_id, values in overrides.items() -%}
        {%- if segment_id not in registry and not python_models_enabled() -%}
            {#- cluster and model segments are disabled with the Python models:
                the same settings must still run here, so this only warns -#}
            {%- do exceptions.warn("var segment_thresholds names segment '" ~ segment_id ~ "', which is not built on "
                ~ "this target (dbt Python models are off) or does not exist: ignored") -%}
        {%- elif segment_id not in registry -%}
            {{ exceptions.raise_compiler_error("var segment_thresholds names an unknown segment '" ~ segment_id
                ~ "' (segments: " ~ (registry.keys() | sort | join(', ')) ~ ")") }}
        {%- elif values is not mapping -%}
            {{ exceptions.raise_compiler_error("var segment_thresholds: " ~ segment_id
                ~ " must be a mapping {threshold: value}, got " ~ shown_value(values)) }}
        {%- else -%}
            {%- for name in values if name not in registry[segment_id].thresholds -%}
                {{ exceptions.raise_compiler_error("var segment_thresholds: segment " ~ segment_id ~ " has no threshold '" ~ name
                    ~ "' (it has: " ~ ((registry[segment_id].thresholds.keys() | join(', ')) or 'none') ~ ")") }}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- A description template rendered: `{threshold}` is the threshold's value
    in force, `{threshold:percent}` the value times 100 with a '%' (0.1 ->
    10%), `{var:name}` the value of a project var (a window, a horizon). -#}
{% macro rendered_segment_description(segment_id, template, thresholds) %}
    {%- set text = namespace(value=template) -%}
    {%- for field, percent in modules.re.findall('\{([a-z0-9_:]+?)(:percent)?\}', template) -%}
        {%- set placeholder = '{' ~ field ~ percent ~ '}' -%}
        {%- if field.startswith('var:') -%}
            {%- if not var.has_var(field[4:]) -%}
                {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ ": the description names " ~ placeholder
                    ~ ", but there is no var " ~ field[4:]) }}
            {%- endif -%}
            {%- set value = var(field[4:]) -%}
        {%- elif field in thresholds -%}
            {%- set value = thresholds[field] -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ ": the description names " ~ placeholder
                ~ ", which is neither a threshold (" ~ ((thresholds.keys() | join(', ')) or 'none') ~ ") nor {var:<name>}") }}
        {%- endif -%}
        {%- set shown = shown_number(value * 100) ~ '%' if percent else (shown_number(value) if value is number else value | string) -%}
        {%- set text.value = text.value.replace(placeholder, shown) -%}
    {%- endfor -%}
    {{ return(text.value) }}
{% endmacro %}


{#- 4 -> '4', 4.0 -> '4', 0.25 -> '0.25', 0.1 * 100 -> '10' (rounded to 6
    decimals first: float products are not exact). -#}
{% macro shown_number(value) %}
    {%- set rounded = value | round(6) -%}
    {{ return((rounded | int | string) if rounded == (rounded | int) else (rounded | string)) }}
{% endmacro %}


{#- ref() to a segment's model, from a model that reads every segment
    (fct_segment_membership): dbt only allows a ref it saw when parsing, so
    a segment model the reader does not name in a '-- depends_on:' line
    stops the build here, saying the line to add. -#}
{% macro segment_relation(segment_id) %}
    {%- set unique_id = 'model.' ~ project_name ~ '.seg_' ~ segment_id -%}
    {%- if execute and unique_id not in model.depends_on.nodes -%}
        {{ exceptions.raise_compiler_error("segment " ~ segment_id ~ " is declared (config.meta.segment of seg_" ~ segment_id
            ~ ") but " ~ model.name ~ " does not depend on its model: add this line to "
            ~ model.original_file_path ~ ": -- depends_on: {{ ref('seg_" ~ segment_id ~ "') }} (dbt draws its DAG before it reads the graph)") }}
    {%- endif -%}
    {{ return(ref('seg_' ~ segment_id)) }}
{% endmacro %}


{#- For tests/python/test_segment_sources.py: checks one declaration (a
    config.meta.segment mapping) as segment_registry() checks each segment's,
    and prints it resolved, as JSON. -#}
{% macro check_segment_declaration(segment_id, declared) %}
    {%- do print(tojson(resolved_segment(segment_id, declared))) -%}
{% endmacro %}
