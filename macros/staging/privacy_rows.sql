{#-
    Post-hook of the staged consent and erasure models: privacy rows are
    never dropped in silence. A quarantined row that may be a revocation or
    an erasure nobody can act on (its status is not understood, or its
    subject cannot be read) stops the build with the count, the first
    raw_row_ids and their reasons (never the raw values: they are personal
    data), or warns when var `privacy_unreadable_rows` is 'warn'. Harmless
    quarantines pass: a grant that is not trusted only withholds contact, and
    a placeholder subject ('000') names nobody.
-#}
{% macro check_privacy_rows_understood(source_table, base_relation) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if source_table == 'privacy.consent_events' -%}
        {%- set not_understood = "coalesce(normalized_status, '') <> 'granted'" -%}
    {%- elif source_table == 'privacy.erasure_requests' -%}
        {%- set not_understood = 'true' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error('check_privacy_rows_understood: no rule for ' ~ source_table) }}
    {%- endif -%}
    {#- the count joined to the first rows, not a window over every row -#}
    {%- set query -%}
        with unreadable as (
            select
                raw_row_id,
                rejection_reasons
            from {{ base_relation }}
            where rejection_reason is not null
                and rejection_reason <> 'placeholder_subject_value'
                and {{ not_understood }}
        ),

        unreadable_count as (
            select count(*) as unreadable_rows
            from unreadable
        )

        select
            unreadable.raw_row_id,
            unreadable.rejection_reasons,
            unreadable_count.unreadable_rows
        from unreadable
        cross join unreadable_count
        order by unreadable.raw_row_id
        limit 5
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {%- if rows | length > 0 -%}
        {%- set examples = [] -%}
        {%- for row in rows -%}
            {%- do examples.append(row['raw_row_id'] ~ ' (' ~ row['rejection_reasons'] ~ ')') -%}
        {%- endfor -%}
        {%- set message = 'Privacy: ' ~ (rows[0]['unreadable_rows'] | int) ~ ' row(s) of ' ~ source_table
            ~ ' could not be understood and may be a revocation or erasure that nobody can honour: '
            ~ examples | join(', ') ~ '. Map the value (seeds/label_map.csv, raw_mappings) or correct'
            ~ ' the row; select * from ' ~ this.schema ~ '.' ~ this.identifier ~ '_rejected shows them'
            ~ ' (var privacy_unreadable_rows: warn builds on meanwhile).' -%}
        {%- if var('privacy_unreadable_rows', 'error') == 'error' -%}
            {{ exceptions.raise_compiler_error(message) }}
        {%- else -%}
            {{ exceptions.warn(message) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
