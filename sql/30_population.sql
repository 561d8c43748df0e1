-- The customers described by the features of one window.
-- grain: one row per customer_id.
-- params: $start, $end (DATE, window = [start, end)), $months (months in the window),
--   $population ('stable': a bill and at least one event in every month of the window;
--   'all': a bill or an event in any month of it).
create or replace temp table population as
with billed as (
    select
        customer_id,
        count(distinct bill_month) as months
    from stg_billing
    where bill_month >= $start and bill_month < $end and total_fee is not null
    group by customer_id
),

active as (
    select
        customer_id,
        count(distinct month) as months
    from cdr_month
    where month >= $start and month < $end and service in ('voice', 'sms', 'data')
    group by customer_id
),

final as (
    select
        c.customer_id,
        c.brand
    from stg_customers as c
    left join billed as b on b.customer_id = c.customer_id
    left join active as a on a.customer_id = c.customer_id
    where
        case
            when $population = 'stable' then coalesce(b.months = $months and a.months = $months, false)
            else b.months is not null or a.months is not null
        end
)

select * from final
