-- Audit: columns of customers, billing, interactions and recharges where a single value
-- for the whole column is implausible (segment.schema: varies=True; the CDR's are
-- measured by 22_cdr_summary.sql): how many values and how many distinct ones. One value
-- throughout is how a wrong column mapping shows itself (every bill 0, every top-up at
-- one instant).
-- grain: one row per table and column, in contract order.
-- params: none.
with counts as (
    select 'customers' as table_name, 'activation_date' as column_name, 1 as position,
        count(activation_date) as non_null, count(distinct activation_date) as distinct_values,
        cast(min(activation_date) as varchar) as example
    from stg_customers
    union all
    select 'customers', 'birth_year', 2, count(birth_year), count(distinct birth_year), cast(min(birth_year) as varchar)
    from stg_customers
    union all
    select 'billing', 'total_fee', 3, count(total_fee), count(distinct total_fee), cast(min(total_fee) as varchar)
    from stg_billing
    union all
    select 'interactions', 'customer_id', 4, count(customer_id), count(distinct customer_id),
        cast(min(customer_id) as varchar)
    from stg_interactions
    union all
    select 'interactions', 'contact_time', 5, count(contact_time), count(distinct contact_time),
        cast(min(contact_time) as varchar)
    from stg_interactions
    union all
    select 'recharges', 'customer_id', 6, count(customer_id), count(distinct customer_id),
        cast(min(customer_id) as varchar)
    from stg_recharges
    union all
    select 'recharges', 'recharge_time', 7, count(recharge_time), count(distinct recharge_time),
        cast(min(recharge_time) as varchar)
    from stg_recharges
    union all
    select 'recharges', 'amount', 8, count(amount), count(distinct amount), cast(min(amount) as varchar)
    from stg_recharges
)

select
    table_name,
    column_name,
    non_null,
    distinct_values,
    example
from counts
order by position
