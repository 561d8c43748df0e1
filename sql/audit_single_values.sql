-- Audit: columns of customers, billing, interactions and recharges where a single value
-- for the whole column is implausible (segment.schema: varies=True; the CDR's are
-- measured by 22_cdr_summary.sql): how many values, the least and the greatest. One value
-- throughout is how a wrong column mapping shows itself (every bill 0, every top-up at
-- one instant). min and max rather than count(distinct): the same answer, far cheaper.
-- grain: one row per table and column, in contract order: the values present, the least
--   and the greatest (as text; equal: a single value throughout).
-- params: none.
with counts as (
    select 'customers' as table_name, 'activation_date' as column_name, 1 as position,
        count(activation_date) as non_null, cast(min(activation_date) as varchar) as least_value,
        cast(max(activation_date) as varchar) as greatest_value
    from stg_customers
    union all
    select 'customers', 'birth_year', 2, count(birth_year), cast(min(birth_year) as varchar), cast(max(birth_year) as varchar)
    from stg_customers
    union all
    select 'billing', 'total_fee', 3, count(total_fee), cast(min(total_fee) as varchar), cast(max(total_fee) as varchar)
    from stg_billing
    union all
    select 'interactions', 'customer_id', 4, count(customer_id), cast(min(customer_id) as varchar),
        cast(max(customer_id) as varchar)
    from stg_interactions
    union all
    select 'interactions', 'contact_time', 5, count(contact_time), cast(min(contact_time) as varchar),
        cast(max(contact_time) as varchar)
    from stg_interactions
    union all
    select 'recharges', 'customer_id', 6, count(customer_id), cast(min(customer_id) as varchar),
        cast(max(customer_id) as varchar)
    from stg_recharges
    union all
    select 'recharges', 'recharge_time', 7, count(recharge_time), cast(min(recharge_time) as varchar),
        cast(max(recharge_time) as varchar)
    from stg_recharges
    union all
    select 'recharges', 'amount', 8, count(amount), cast(min(amount) as varchar), cast(max(amount) as varchar)
    from stg_recharges
)

select
    table_name,
    column_name,
    non_null,
    least_value,
    greatest_value
from counts
order by position
