-- Audit: columns of customers, billing, interactions and recharges where a single value
-- for the whole column is implausible (segment.schema: varies=True; the CDR's are
-- measured by 22_cdr_summary.sql): how many values, the least and the greatest. One value
-- throughout is how a wrong column mapping shows itself (every bill 0, every top-up at
-- one instant). min and max rather than count(distinct): the same answer, far cheaper.
-- grain: one row per table and column, in contract order: the values present, the least
--   and the greatest (as text; equal: a single value throughout).
-- params: none.
with cells as (
    -- one line per audited column: its table, its name, its place in the contract, its values as text
    select 'customers' as table_name, 'activation_date' as column_name, 1 as position, cast(activation_date as varchar) as value from stg_customers
    union all select 'customers', 'birth_year', 2, cast(birth_year as varchar) from stg_customers
    union all select 'billing', 'total_fee', 3, cast(total_fee as varchar) from stg_billing
    union all select 'interactions', 'customer_id', 4, cast(customer_id as varchar) from stg_interactions
    union all select 'interactions', 'contact_time', 5, cast(contact_time as varchar) from stg_interactions
    union all select 'recharges', 'customer_id', 6, cast(customer_id as varchar) from stg_recharges
    union all select 'recharges', 'recharge_time', 7, cast(recharge_time as varchar) from stg_recharges
    union all select 'recharges', 'amount', 8, cast(amount as varchar) from stg_recharges
),

final as (
    select
        table_name,
        column_name,
        position,
        count(value) as non_null,
        min(value) as least_value,
        max(value) as greatest_value
    from cells
    group by table_name, column_name, position
)

select
    table_name,
    column_name,
    non_null,
    least_value,
    greatest_value
from final
order by position
