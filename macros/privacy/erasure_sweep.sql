{#-
    The erasure sweep (models/intermediate/privacy/int_privacy__erasure_sweep.sql):
    deleting erased people's rows from the tables built before the erasure
    decision, once everything in the build has read them. See docs/privacy.md.
-#}

{#- The columns that say whose a row of a swept table is, and the kind of
    erased key (int_privacy__erased_keys.key_type) each holds. `record_id`
    stands for the records of erased profiles in int_identity__profile_map.
    Values a row merely carries (an email typed on someone else's cookie,
    a household's shared phone) do not make the row the erased person's:
    only owners are swept. -#}
{% macro erasure_owner_columns() %}
    {{- return({
        'profile_id': 'profile_id',
        'cookie_id': 'cookie_id',
        'record_id': 'record_id',
        'record_id_a': 'record_id',
        'record_id_b': 'record_id',
    }) -}}
{% endmacro %}


{#- Every column that can hold a person's key, and the kind of key
    (int_privacy__erased_keys.key_type) it holds, as the models name them:
    the columns the erasure test searches every model for. `record_id`
    columns hold '<record_source>:<record_key>' (macro record_id), which
    embeds a customer id, an email or a cookie id. -#}
{% macro person_key_columns() %}
    {{- return({
        'profile_id': 'profile_id',
        'previous_profile_id': 'profile_id',
        'customer_key': 'customer_key',
        'extern_id': 'customer_key',
        'external_id': 'customer_key',
        'customer_id': 'customer_id',
        'user_id': 'customer_id',
        'cookie_id': 'cookie_id',
        'visitor_id': 'cookie_id',
        'email': 'email',
        'recipient_email': 'email',
        'phone': 'phone',
        'phone_e164': 'phone',
        'email_sha256': 'email_sha256',
        'phone_sha256': 'phone_sha256',
        'record_id': 'record_id',
        'record_id_a': 'record_id',
        'record_id_b': 'record_id',
        'anchor_record_id': 'record_id',
        'component_id': 'record_id',
    }) -}}
{% endmacro %}


{#- The owner columns `relation` has (looked up when the sweep runs, so a
    new owner column is swept without a change here). -#}
{% macro erasure_owner_columns_of(relation) %}
    {%- set owners = erasure_owner_columns() %}
    {%- set found = [] %}
    {%- if execute %}
        {%- set columns = adapter.get_columns_in_relation(relation) %}
        {%- for column in columns if column.name | lower in owners %}
            {%- do found.append(column.name | lower) %}
        {%- endfor %}
        {#- (a relation not built yet, e.g. while linting, has no columns) -#}
        {%- if columns and not found %}
            {{- exceptions.raise_compiler_error(
                'int_privacy__erasure_sweep: ' ~ relation ~ ' has none of the owner columns '
                ~ (owners.keys() | list | join(', ')) ~ ', so erased rows cannot be found in it') -}}
        {%- endif %}
    {%- endif %}
    {{- return(found) -}}
{% endmacro %}


{#- A condition true for the rows of `relation` an erased person owns, by
    its owner columns; `false` while parsing. Negate it with coalesce (an
    owner column may be null). -#}
{% macro erased_rows_condition(relation, erased_keys, profile_map) %}
    {%- set owners = erasure_owner_columns() %}
    {%- set conditions = [] %}
    {%- for column in erasure_owner_columns_of(relation) %}
        {%- if owners[column] == 'record_id' %}
            {%- do conditions.append(
                column ~ ' in (select record_id from ' ~ profile_map ~ ' where profile_id in'
                ~ ' (select key_value from ' ~ erased_keys ~ " where key_type = 'profile_id'))") %}
        {%- else %}
            {%- do conditions.append(
                column ~ ' in (select key_value from ' ~ erased_keys
                ~ " where key_type = '" ~ owners[column] ~ "')") %}
        {%- endif %}
    {%- endfor %}
    {{- return('(' ~ (conditions | join(' or ') if conditions else 'false') ~ ')') -}}
{% endmacro %}


{#- The unique ids of every node `node_id` depends on, directly or not
    (execute time: the graph is empty while parsing). -#}
{% macro upstream_nodes(node_id) %}
    {%- set ancestors = [] %}
    {%- set queue = [node_id] %}
    {#- the loop also walks the ids appended to the queue as it goes -#}
    {%- for current in queue %}
        {%- for parent in graph.nodes.get(current, {}).get('depends_on', {}).get('nodes', []) %}
            {%- if parent not in ancestors %}
                {%- do ancestors.append(parent) %}
                {%- do queue.append(parent) %}
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
    {{- return(ancestors) -}}
{% endmacro %}


{#- Fails the build when a node reads a swept table (directly, or through a
    view over one, but `sweep_invariant` views whose rows the sweep does not
    change) and is neither upstream of the sweep nor downstream of it: it
    could run before or after the deletion, and see either state. dbt runs a
    test before the sweep when all its parents are upstream of the sweep.
    The message names the `-- depends_on:` line to add. -#}
{% macro check_erasure_sweep_order(swept, sweep_invariant) %}
    {%- if not execute %}
        {{- return('') -}}
    {%- endif %}
    {%- set ancestors = upstream_nodes(model.unique_id) %}
    {#- the swept tables and, repeatedly, the views over them -#}
    {%- set read = [] %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name in swept %}
        {%- do read.append(node.unique_id) %}
    {%- endfor %}
    {%- for _ in range(5) %}
        {%- for node in graph.nodes.values() %}
            {%- if node.resource_type == 'model' and node.config.materialized == 'view'
                and node.name not in sweep_invariant and node.unique_id not in read
                and node.depends_on.nodes | select('in', read) | list %}
                {%- do read.append(node.unique_id) %}
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
    {%- set unordered = [] %}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'test', 'snapshot') %}
        {%- set parents = node.depends_on.nodes %}
        {%- if node.unique_id != model.unique_id and node.unique_id not in read
            and parents | select('in', read) | list
            and model.unique_id not in parents %}
            {%- set upstream = node.unique_id in ancestors if node.resource_type != 'test'
                else parents | reject('in', ancestors) | reject('equalto', model.unique_id) | list | length == 0 %}
            {%- if not upstream %}
                {%- do unordered.append(node.unique_id) %}
            {%- endif %}
        {%- endif %}
    {%- endfor %}
    {%- if unordered %}
        {{- exceptions.raise_compiler_error(
            'int_privacy__erasure_sweep deletes erased rows from tables these nodes read, but dbt'
            ~ ' may run them after the deletion: ' ~ (unordered | sort | join(', '))
            ~ '. Add a "-- depends_on: {{ ref(...) }}" line for each model (for a test: its parents)'
            ~ ' to models/intermediate/privacy/int_privacy__erasure_sweep.sql.') -}}
    {%- endif %}
    {{- return('') -}}
{% endmacro %}


{#- The post-hook of int_privacy__erasure_sweep: deletes, from each swept
    table whose row in the sweep's own table counts rows to remove, the rows
    `erased_rows_condition` finds. `swept` lists model names in the order
    they are swept (int_identity__profile_map last: the others' record ids
    are looked up in it). Runs its statements itself and returns no SQL. -#}
{% macro sweep_erased_rows(swept) %}
    {%- if not execute %}
        {{- return('') -}}
    {%- endif %}
    {%- set counted = run_query('select swept_model, rows_removed from ' ~ this) %}
    {%- set removing = {} %}
    {%- for row in counted.rows %}
        {%- do removing.update({row[0]: row[1]}) %}
    {%- endfor %}
    {%- for name in swept if removing.get(name, 0) > 0 %}
        {%- set condition = erased_rows_condition(
            ref(name), ref('int_privacy__erased_keys'), ref('int_identity__profile_map')) %}
        {%- do adapter.dispatch('delete_erased_rows', 'open_segments')(ref(name), condition) %}
    {%- endfor %}
    {{- return('') -}}
{% endmacro %}


{% macro default__delete_erased_rows(relation, condition) %}
    {%- do run_query('delete from ' ~ relation ~ ' where ' ~ condition) %}
{% endmacro %}


{#- Spark's tables here are Parquet, which has no DELETE: the rows kept are
    written to a scratch table, the table is emptied and refilled from it
    (TRUNCATE then INSERT, so a day partition left with no rows goes too:
    a dynamic INSERT OVERWRITE would keep it). A run killed between the two
    loses the table's contents: the event facts are then rebuilt with
    `--full-refresh`. The copy previous_build() keeps of a table
    (`<table>__previous`, the identity map's) is swept the same way. -#}
{% macro spark__delete_erased_rows(relation, condition) %}
    {%- set previous = adapter.get_relation(
        relation.database, relation.schema, relation.identifier ~ '__previous') %}
    {%- for target in [relation, previous] if target is not none %}
        {%- set kept = target.incorporate(path={'identifier': target.identifier ~ '__erasure_kept'}) %}
        {%- do run_query('drop table if exists ' ~ kept) %}
        {%- do run_query(
            'create table ' ~ kept ~ ' using parquet as select * from ' ~ target
            ~ ' where not coalesce(' ~ condition ~ ', false)') %}
        {%- do run_query('truncate table ' ~ target) %}
        {%- do run_query('insert into ' ~ target ~ ' select * from ' ~ kept) %}
        {%- do run_query('drop table ' ~ kept) %}
    {%- endfor %}
{% endmacro %}


{#- For the erasure test (tests/privacy/assert_erased_profiles_absent_downstream.sql):
    every column named like a person key (person_key_columns) of every
    enabled model's relation, as (model name, relation, column), but the
    models exempt by `meta.erasure`: `bookkeeping` (only the privacy models
    that must name erased people) and `mirrors_raw` (only staging). Fails
    on any other exemption, and on a searched model that is not upstream of
    `test_id` (the test could run before it is rebuilt). Empty while parsing. -#}
{% macro erasure_searched_columns(test_id) %}
    {%- set bookkeeping = [
        'int_privacy__erasure_matches', 'int_privacy__erased_profiles', 'int_privacy__erased_keys',
        'int_privacy__erasure_sweep',
    ] %}
    {%- set exemptions = ['bookkeeping', 'mirrors_raw'] %}
    {%- set key_columns = person_key_columns() %}
    {%- set searched = [] %}
    {%- if not execute %}
        {{- return(searched) -}}
    {%- endif %}
    {%- set wrongly_exempt = [] %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' %}
        {%- set exemption = (node.config.meta or {}).get('erasure') %}
        {%- if exemption == 'bookkeeping' and node.name not in bookkeeping
            or exemption == 'mirrors_raw' and node.fqn[1] != 'staging'
            or exemption and exemption not in exemptions %}
            {%- do wrongly_exempt.append(node.name ~ ' (' ~ exemption ~ ')') %}
        {%- endif %}
    {%- endfor %}
    {%- if wrongly_exempt %}
        {{- exceptions.raise_compiler_error(
            'Only the privacy bookkeeping (' ~ bookkeeping | join(', ') ~ ') and staging models may'
            ~ ' be exempt from the erasure test, not: ' ~ wrongly_exempt | sort | join(', ')) -}}
    {%- endif %}
    {%- set upstream = upstream_nodes(test_id) %}
    {%- set unordered = [] %}
    {%- for node in graph.nodes.values() | sort(attribute='name')
        if node.resource_type == 'model' and node.config.materialized != 'ephemeral'
        and (node.config.meta or {}).get('erasure') not in exemptions %}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
        {%- set columns = adapter.get_columns_in_relation(relation) if relation is not none else [] %}
        {%- for column in columns if column.name | lower in key_columns %}
            {%- do searched.append((node.name, relation, column.name | lower)) %}
            {%- if node.unique_id not in upstream and node.name not in unordered %}
                {%- do unordered.append(node.name) %}
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
    {%- if unordered %}
        {{- exceptions.raise_compiler_error(
            'The erasure test may run before these models it searches are rebuilt: '
            ~ unordered | join(', ') ~ '. Add a "-- depends_on:" line for them to'
            ~ ' tests/privacy/assert_erased_profiles_absent_downstream.sql.') -}}
    {%- endif %}
    {{- return(searched) -}}
{% endmacro %}
