-- Audit: the values of the coded columns of customers and interactions (gender, channel,
-- purpose) and whether each is in its code list, so that an operator's own codes are
-- never read as unknown without a word (the CDR's coded columns are counted by
-- 20_cdr_usage.sql). The code lists are the table code_lists (table_name, column_name,
-- code), filled from segment.schema by the caller.
-- grain: one row per table, column and value present (nulls excluded), most frequent first.
-- params: none.
with seen as (
    select 'customers' as table_name, 'gender' as column_name, gender as value, count(*) as value_rows
    from stg_customers
    where gender is not null
    group by gender
    union all
    select 'interactions' as table_name, 'channel' as column_name, channel as value, count(*) as value_rows
    from stg_interactions
    where channel is not null
    group by channel
    union all
    select 'interactions' as table_name, 'purpose' as column_name, purpose as value, count(*) as value_rows
    from stg_interactions
    where purpose is not null
    group by purpose
),

final as (
    select
        s.table_name,
        s.column_name,
        s.value,
        s.value_rows,
        k.code is not null as known
    from seen as s
    left join code_lists as k
        on k.table_name = s.table_name and k.column_name = s.column_name and k.code = s.value
)

select * from final
order by table_name, column_name, value_rows desc, value
