-- Audit: dates and times in the future, i.e. after the day after today (a clock or
-- date-format problem upstream; the extra day absorbs time zones) and bill months after
-- the current month (none = pass).
-- grain: one row per (table, column) holding future values: how many, and the latest.
-- params: $tomorrow (DATE: the last day allowed), $this_month (DATE: first day of the current month).
with stamps as (
    select 'customers' as table_name, 'activation_date' as column_name, 1 as position,
        cast(activation_date as timestamp) as value, cast(activation_date as date) > $tomorrow as is_future
    from stg_customers
    union all
    select 'cdr', 'start_time', 2, start_time, cast(start_time as date) > $tomorrow
    from stg_cdr
    union all
    select 'billing', 'bill_month', 3, cast(bill_month as timestamp), bill_month > $this_month
    from stg_billing
    union all
    select 'interactions', 'contact_time', 4, contact_time, cast(contact_time as date) > $tomorrow
    from stg_interactions
    union all
    select 'recharges', 'recharge_time', 5, recharge_time, cast(recharge_time as date) > $tomorrow
    from stg_recharges
),

final as (
    select
        table_name,
        column_name,
        position,
        count(*) as future_rows,
        min(value) as first_value
    from stamps
    where is_future
    group by table_name, column_name, position
)

select
    table_name,
    column_name,
    future_rows,
    first_value
from final
order by position
