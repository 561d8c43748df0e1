-- Churn early warning: the measures and rule flags behind the stage of every customer of
-- the window (table window_customers, from 50_window_customers.sql). Each flag r_* is the
-- logic of one rule of segment/churn.py, which names the rule's stage and text and turns
-- the flags into the stage and the reasons.
-- Reads the stage tables shared with the indicators: cdr_hotline (23_cdr_hotline.sql, the
-- competitor-hotline contacts competitor_hotline_calls counts) and service_contacts (24).
-- grain: one row per customer_id, ordered by customer_id.
-- params: $start, $end (DATE, window = [start, end)); $last_month (DATE, first day of the
--   window's last month);
--   $inactive_days; $hotline_calls; $alert_usage_drop, $warning_usage_drop, $contacts_drop
--   (shares in (0, 1]); $arrears_rising_months; $complaints_min.
-- "Earlier months" are the window's months before the last one, from the month the line
-- was activated; usage and contact drops compare the last month with their monthly
-- average, as exact integer products (last x months <= (1 - drop) x earlier total), so
-- a drop of exactly the threshold fires.
with customers as (
    select
        customer_id,
        brand,
        activation_date,
        churn_date,
        last_event,
        events_last,
        events - events_last as events_earlier,
        -- the month the earlier months start from (the first of a month)
        greatest($start, cast(date_trunc('month', activation_date) as date)) as counted_from
    from window_customers
),

counted as (
    select
        *,
        -- months from counted_from to the last month, both firsts of months
        greatest((year($last_month) - year(counted_from)) * 12 + month($last_month) - month(counted_from), 0)
            as earlier_months
    from customers
),

-- distinct contacts per month: a two-level aggregate (customer x month x peer first)
peers as (
    select
        customer_id,
        cast(date_trunc('month', start_time) as date) as month,
        peer_id
    from stg_cdr
    where
        start_time >= $start
        and start_time < $end
        and service in ('voice', 'sms')
        and peer_id is not null
    group by all
),

contacts as (
    select
        customer_id,
        count(*) filter (where month = $last_month) as contacts_last,
        count(*) filter (where month < $last_month) as contacts_earlier
    from peers
    group by customer_id
),

bills as (
    select
        customer_id,
        bill_month,
        arrears,
        lag(arrears) over (partition by customer_id order by bill_month) as prev_arrears,
        lag(bill_month) over (partition by customer_id order by bill_month) as prev_month
    from stg_billing
    where bill_month >= $start and bill_month < $end
),

arrears as (
    select
        customer_id,
        count(*) filter (
            where arrears > prev_arrears and prev_month = cast(bill_month - interval 1 month as date)
        ) as arrears_rises
    from bills
    where bill_month > cast($last_month - $arrears_rising_months * interval 1 month as date)
    group by customer_id
),

measures as (
    select
        c.customer_id,
        c.brand,
        c.churn_date,
        c.last_event,
        c.earlier_months,
        c.events_last,
        c.events_earlier,
        coalesce(k.contacts_last, 0) as contacts_last,
        coalesce(k.contacts_earlier, 0) as contacts_earlier,
        coalesce(h.hotline_events, 0) as hotline_calls,
        coalesce(a.arrears_rises, 0) as arrears_rises,
        coalesce(p.complaints_last, 0) as complaints_last,
        coalesce(p.complaints - p.complaints_last, 0) as complaints_earlier
    from counted as c
    left join contacts as k on k.customer_id = c.customer_id
    left join cdr_hotline as h on h.customer_id = c.customer_id
    left join arrears as a on a.customer_id = c.customer_id
    left join service_contacts as p on p.customer_id = c.customer_id
),

rules as (
    select
        *,
        coalesce(churn_date < $end, false) as r_churn_date,
        last_event is null or last_event < cast($end as timestamp) - $inactive_days * interval 1 day as r_inactive,
        hotline_calls >= $hotline_calls as r_hotline,
        earlier_months > 0 and events_earlier > 0
            and events_last * earlier_months <= (1 - $alert_usage_drop) * events_earlier as r_usage_alert,
        arrears_rises >= $arrears_rising_months as r_arrears,
        earlier_months > 0 and events_earlier > 0
            and events_last * earlier_months <= (1 - $warning_usage_drop) * events_earlier as r_usage_warning,
        earlier_months > 0 and contacts_earlier > 0
            and contacts_last * earlier_months <= (1 - $contacts_drop) * contacts_earlier as r_contacts,
        earlier_months > 0 and complaints_last >= $complaints_min
            and complaints_last * earlier_months > complaints_earlier as r_complaints
    from measures
),

final as (
    select
        customer_id,
        brand,
        r_churn_date,
        r_inactive,
        r_hotline,
        r_usage_alert,
        r_arrears,
        r_usage_warning,
        r_contacts,
        r_complaints,
        last_event,
        earlier_months,
        events_last,
        events_earlier,
        contacts_last,
        contacts_earlier,
        hotline_calls,
        arrears_rises,
        complaints_last,
        complaints_earlier,
        churn_date,
        -- the drops the reasons quote, in whole percent
        case when earlier_months > 0 and events_earlier > 0 then
            cast(round(100 - 100e0 * events_last * earlier_months / events_earlier) as bigint) end as usage_down_pct,
        case when earlier_months > 0 and contacts_earlier > 0 then
            cast(round(100 - 100e0 * contacts_last * earlier_months / contacts_earlier) as bigint) end
            as contacts_down_pct
    from rules
)

select * from final
order by customer_id
