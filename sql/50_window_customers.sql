-- The customers the value, churn and channel analyses describe: everyone with a bill or a
-- CDR event in any month of the window, those who left during it included, with their
-- billing totals, events (those of the window's last month apart) and last event of the window.
-- grain: one row per customer_id, ordered by customer_id.
-- params: $start, $end (DATE, window = [start, end)); the window is that of cdr_usage.
-- Money sums stay DECIMAL, so they are exact whatever the thread count.
create or replace temp table window_customers as
with bills as (
    select
        customer_id,
        count(*) as bill_months,
        sum(total_fee) as revenue,
        coalesce(sum(discount), 0) as discount,
        sum(overdue_days) as overdue_days,
        sum(arrears) as arrears
    from stg_billing
    where bill_month >= $start and bill_month < $end and total_fee is not null
    group by customer_id
),

activity as (
    select
        customer_id,
        sum(events) as events,
        sum(events_last) as events_last,
        max(last_event) as last_event
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id
),

final as (
    select
        c.customer_id,
        c.brand,
        c.group_id,
        c.credit_level,
        c.activation_date,
        c.churn_date,
        coalesce(b.bill_months, 0) as bill_months,
        coalesce(b.revenue, cast(0 as decimal(18, 2))) as revenue,
        coalesce(b.discount, cast(0 as decimal(18, 2))) as discount,
        b.overdue_days,
        b.arrears,
        coalesce(a.events, 0) as events,
        coalesce(a.events_last, 0) as events_last,
        a.last_event
    from stg_customers as c
    left join bills as b on b.customer_id = c.customer_id
    left join activity as a on a.customer_id = c.customer_id
    where b.customer_id is not null or a.customer_id is not null
)

select * from final
order by customer_id
