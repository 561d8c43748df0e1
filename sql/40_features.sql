-- One row per customer of the population: customer_id, brand, then every indicator of
-- the catalogue (segment/catalogue.py); FeatureSet.query reads them in catalogue order.
-- grain: one row per customer_id (the table is read ordered by customer_id: FeatureSet.query;
--   sorting here as well would sort the wide rows twice).
-- params: $start, $end (DATE, window = [start, end)), $months (months in the window),
--   $pareto_share (e.g. 0.8).
-- Reads the stage tables cdr_usage, cdr_peer, cdr_hotline, service_contacts, mobility,
--   cdr_social (20, 21, 23, 24, 26, 27) and population (30).
-- Volumes are window totals / $months; shares, means and dispersions are over all events
-- of the window. Sums of money and counts are exact (DECIMAL / integers); the entropy and
-- balance sums go through fixed point (1e-15) so that they do not depend on the
-- order in which threads combine partial sums.
with day_blocks as (
    select
        customer_id,
        block,
        bit_or(day_mask_lo) as lo_all,
        bit_or(day_mask_hi) as hi_all,
        bit_or(day_mask_lo) filter (where service = 'data') as lo_data,
        bit_or(day_mask_hi) filter (where service = 'data') as hi_data
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id, block
),

days as (
    select
        customer_id,
        sum(bit_count(lo_all) + bit_count(hi_all)) as active_days,
        sum(bit_count(lo_data) + bit_count(hi_data)) as data_active_days
    from day_blocks
    group by customer_id
),

-- the window's months (every one is billed: segment.features.choose_window) as month_index
-- 0, 1, ... and as ranges of window days [first_day, end_day)
window_months as (
    select distinct
        (year(bill_month) - year(cast($start as date))) * 12 + month(bill_month) - month(cast($start as date))
            as month_index,
        cast(bill_month - cast($start as date) as integer) as first_day,
        cast(cast(bill_month + interval 1 month as date) - cast($start as date) as integer) as end_day
    from stg_billing
    where bill_month >= $start and bill_month < $end
),

-- active days per month, from the day masks as 30_population.sql finds active months: half
-- 2 x block holds the days of day_mask_lo, half 2 x block + 1 those of day_mask_hi
day_halves as (
    select
        customer_id,
        2 * block + h.high as half,
        case when h.high = 0 then lo_all else hi_all end as day_mask
    from day_blocks
    cross join (values (0), (1)) as h (high)
),

month_days as (
    select
        d.customer_id,
        m.month_index,
        sum(bit_count((d.day_mask >> greatest(m.first_day - 63 * d.half, 0))
            & ((cast(1 as bigint) << (least(m.end_day - 63 * d.half, 63) - greatest(m.first_day - 63 * d.half, 0)))
                - 1))) as days
    from day_halves as d
    cross join window_months as m
    where m.first_day < 63 * (d.half + 1) and m.end_day > 63 * d.half
    group by d.customer_id, m.month_index
),

day_trend as (
    select
        customer_id,
        count(*) filter (where days > 0) as active_months,
        coalesce(sum(days) filter (where month_index = 0), 0) as days_first,
        coalesce(sum(days) filter (where month_index = $months - 1), 0) as days_last,
        coalesce(sum(month_index * days), 0) as days_month_sum
    from month_days
    group by customer_id
),

contacts as (
    select
        customer_id,
        service,
        count(*) as contacts,
        sum(events) as contact_events,
        sum(cast(round_even(events * ln(events) * 1e15, 0) as decimal(38, 0))) as events_ln_events_e15,
        sum(cast(round_even(events_out / (events_out + events_in) * 1e15, 0) as decimal(38, 0)))
            filter (where events_out + events_in > 0) as balance_sum_e15,
        count(*) filter (where events_out + events_in > 0) as balance_contacts,
        count(*) filter (where offnet) as offnet_contacts
    from cdr_peer
    where service in ('voice', 'sms')
    group by customer_id, service
),

-- Pareto share without sorting every contact: contacts are grouped by their event
-- count (one row per distinct count), and the running total runs over those levels.
levels as (
    select
        customer_id,
        service,
        events as level_events,
        count(*) as level_contacts
    from cdr_peer
    where service in ('voice', 'sms')
    group by customer_id, service, events
),

levels_running as (
    select
        *,
        ceil(sum(level_events * level_contacts) over (partition by customer_id, service) * $pareto_share)
            as target,
        coalesce(sum(level_events * level_contacts) over before, 0) as events_before,
        coalesce(sum(level_contacts) over before, 0) as contacts_before
    from levels
    window before as (
        partition by customer_id, service order by level_events desc
        rows between unbounded preceding and 1 preceding
    )
),

pareto as (
    select
        customer_id,
        service,
        contacts_before + ceil((target - events_before) / level_events) as pareto_contacts
    from levels_running
    where events_before < target and events_before + level_events * level_contacts >= target
),

social as (
    select
        c.*,
        p.pareto_contacts
    from contacts as c
    left join pareto as p on p.customer_id = c.customer_id and p.service = c.service
),

-- usage per customer: totals over every service, then one aggregate per service (a
-- filter per row once, rather than a FILTER clause on each of some 30 aggregates)
usage_all as (
    select
        customer_id,
        sum(events) as events_all,
        sum(events_night) as night_all,
        sum(events_weekend) as weekend_all,
        sum(events_roaming_domestic) as roaming_domestic_all,
        sum(events_roaming_international) as roaming_international_all,
        sum(charge) as charge_all,
        sum(events_last) as events_last_month_all,
        max(last_event) as last_event_all,
        -- mean events of the window's months before the last one (null for a 1-month window)
        (sum(events) - sum(events_last)) / nullif($months - 1, 0) as events_earlier_mean
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id
),

-- usage per customer and service (voice and SMS for the reference toolbox; all three for
-- the time profile, the charges, roaming and the trends)
usage_services as (
    select
        customer_id,
        service,
        sum(events) as events,
        sum(events_out) as events_out,
        sum(events_in) as events_in,
        sum(events_night) as events_night,
        sum(events_onnet) as events_onnet,
        sum(events_weekend) as events_weekend,
        sum(events_00_06) as events_00_06,
        sum(events_06_12) as events_06_12,
        sum(events_12_18) as events_12_18,
        sum(events_roaming_domestic) as events_roaming_domestic,
        sum(events_roaming_international) as events_roaming_international,
        sum(events_first) as events_first,
        sum(events_last) as events_last,
        sum(events_month_sum) as events_month_sum,
        sum(calls_long) as calls_long,
        sum(durations) as durations,
        sum(duration_sum) as duration_sum,
        sum(duration_sq_sum) as duration_sq_sum,
        sum(duration_out) as duration_out,
        sum(duration_in) as duration_in,
        sum(duration_onnet) as duration_onnet,
        sum(duration_offnet) as duration_offnet,
        sum(duration_first) as duration_first,
        sum(duration_last) as duration_last,
        sum(duration_month_sum) as duration_month_sum,
        sum(volume_kb) as volume_kb,
        sum(volume_first) as volume_first,
        sum(volume_last) as volume_last,
        sum(volume_month_sum) as volume_month_sum,
        sum(charge) as charge,
        min(first_event) as first_event,
        max(last_event) as last_event
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id, service
),

usage_data as (
    select
        customer_id,
        sum(events) as d_events,
        sum(events_night) as d_night,
        sum(volume_kb) as d_volume_kb
    from cdr_usage
    where service = 'data'
    group by customer_id
),

per_customer as (
    select *
    from usage_all as a
    left join usage_data as d using (customer_id)
),

-- the reference-toolbox indicators, once for both services: a row per customer of the
-- population and service (volumes are 0 without events, ratios null)
toolbox as (
    select
        pop.customer_id,
        k.service,
        coalesce(u.events, 0) / $months as number_of_interactions,
        u.events_out / nullif(u.events, 0) as percent_initiated,
        coalesce(s.contacts, 0) / $months as number_of_contacts,
        case
            when s.contacts is null then null
            when s.contacts = 1 then 0.0
            else greatest(ln(s.contact_events) - cast(s.events_ln_events_e15 as double) / 1e15 / s.contact_events, 0.0)
        end as entropy_of_contacts,
        s.pareto_contacts / s.contacts as percent_pareto_interactions,
        s.contact_events / s.contacts as interactions_per_contact_mean,
        cast(s.balance_sum_e15 as double) / 1e15 / nullif(s.balance_contacts, 0) as balance_of_contacts_mean,
        s.offnet_contacts / s.contacts as offnet_contact_share,
        u.events_night / nullif(u.events, 0) as percent_nocturnal,
        (cast(cast(u.last_event as date) - cast(u.first_event as date) as bigint) * 86400
            + (hour(u.last_event) - hour(u.first_event)) * 3600
            + (minute(u.last_event) - minute(u.first_event)) * 60
            + (second(u.last_event) - second(u.first_event))) / nullif(u.events - 1, 0) as interevent_time_mean,
        coalesce(u.events_out, 0) / $months as events_out,
        coalesce(u.events_in, 0) / $months as events_in
    from population as pop
    cross join (values ('voice'), ('sms')) as k (service)
    left join usage_services as u on u.customer_id = pop.customer_id and u.service = k.service
    left join social as s on s.customer_id = pop.customer_id and s.service = k.service
),

bills as (
    select
        customer_id,
        count(*) as bill_months,
        sum(total_fee) as total_fee,
        -- DECIMAL(38, 6) operands: a product of two DECIMAL(18, 6) overflows past a bill of ~3,000
        sum(cast(total_fee as decimal(38, 6)) * cast(total_fee as decimal(38, 6))) as total_fee_sq,
        sum(package_fee) as package_fee,
        sum(voice_fee) as voice_fee,
        sum(sms_fee) as sms_fee,
        sum(data_fee) as data_fee,
        sum(vas_fee) as vas_fee,
        sum(roaming_fee) as roaming_fee,
        coalesce(sum(discount), 0) as discount,
        sum(overdue_days) as overdue_days,
        max(overdue_days) as max_overdue_days,
        count(*) filter (where arrears > 0) as months_with_arrears,
        sum(arrears) as arrears,
        max(total_fee) as max_total_fee,
        min(total_fee) as min_total_fee,
        count(*) filter (where overdue_days > 0) as months_overdue,
        max(arrears) as max_arrears,
        -- the trend of the monthly bill: month_index 0 is the window's first month
        coalesce(sum(total_fee) filter (where month_index = 0), 0) as fee_first,
        coalesce(sum(total_fee) filter (where month_index = $months - 1), 0) as fee_last,
        coalesce(sum(month_index * total_fee), 0) as fee_month_sum
    from (
        select
            *,
            (year(bill_month) - year(cast($start as date))) * 12 + month(bill_month) - month(cast($start as date))
                as month_index
        from stg_billing
        where bill_month >= $start and bill_month < $end
    ) as window_bills
    group by customer_id
),

-- top-ups and the seconds since the customer's previous top-up of the window (the gaps
-- between consecutive top-ups: integers, so their sums are exact; equal times give a gap
-- of 0 whichever comes first)
topup_gaps as (
    select
        customer_id,
        recharge_time,
        amount,
        cast(cast(recharge_time as date) - cast(previous_time as date) as bigint) * 86400
            + (hour(recharge_time) - hour(previous_time)) * 3600
            + (minute(recharge_time) - minute(previous_time)) * 60
            + (second(recharge_time) - second(previous_time)) as gap_s
    from (
        select
            customer_id,
            recharge_time,
            amount,
            lag(recharge_time) over (partition by customer_id order by recharge_time) as previous_time
        from stg_recharges
        where recharge_time >= $start and recharge_time < $end
    ) as ordered
),

topups as (
    select
        customer_id,
        count(*) as recharges,
        sum(amount) as amount,
        max(amount) as max_amount,
        count(gap_s) as gaps,
        sum(gap_s) as gap_sum,
        sum(cast(gap_s as decimal(38, 0)) * cast(gap_s as decimal(38, 0))) as gap_sq_sum,
        max(gap_s) as gap_max,
        max(recharge_time) as last_recharge
    from topup_gaps
    group by customer_id
),

-- the population standard deviation of the gaps from exact sums: n * sum(x^2) - sum(x)^2 in
-- DECIMAL(38, 0), so that it neither cancels in floating point nor depends on the order of
-- the partial sums
topup_intervals as (
    select
        *,
        sqrt(cast(gaps * gap_sq_sum - cast(gap_sum as decimal(38, 0)) * cast(gap_sum as decimal(38, 0)) as double))
            / nullif(gaps, 0) / 86400 as interval_std_days
    from topups
),

final as (
    select
        pop.customer_id,
        pop.brand,
        -- revenue and bill composition
        cast(coalesce(b.total_fee, 0) as double) / $months as total_fee,
        cast(coalesce(b.package_fee, 0) as double) / $months as package_fee,
        cast(coalesce(b.voice_fee, 0) as double) / $months as voice_fee,
        cast(coalesce(b.data_fee, 0) as double) / $months as data_fee,
        cast(b.package_fee as double) / nullif(cast(b.total_fee + b.discount as double), 0) as package_fee_share,
        cast(b.voice_fee as double) / nullif(cast(b.total_fee + b.discount as double), 0) as voice_fee_share,
        cast(b.sms_fee as double) / nullif(cast(b.total_fee + b.discount as double), 0) as sms_fee_share,
        cast(b.data_fee as double) / nullif(cast(b.total_fee + b.discount as double), 0) as data_fee_share,
        cast(b.vas_fee as double) / nullif(cast(b.total_fee + b.discount as double), 0) as vas_fee_share,
        cast(b.roaming_fee as double) / nullif(cast(b.total_fee + b.discount as double), 0) as roaming_fee_share,
        cast(b.discount as double) / nullif(cast(b.total_fee + b.discount as double), 0) as discount_rate,
        sqrt(greatest(
            cast(b.total_fee_sq as double) / b.bill_months
            - pow(cast(b.total_fee as double) / b.bill_months, 2), 0))
            / nullif(cast(b.total_fee as double) / b.bill_months, 0) as total_fee_cv,
        cast(coalesce(u.charge_all, 0) as double) / $months as usage_charge,
        -- voice: reference-toolbox indicators
        tv.number_of_interactions as number_of_interactions_voice,
        tv.percent_initiated as percent_initiated_voice,
        tv.number_of_contacts as number_of_contacts_voice,
        tv.entropy_of_contacts as entropy_of_contacts_voice,
        tv.percent_pareto_interactions as percent_pareto_interactions_voice,
        tv.interactions_per_contact_mean as interactions_per_contact_mean_voice,
        tv.balance_of_contacts_mean as balance_of_contacts_mean_voice,
        tv.offnet_contact_share as offnet_contact_share_voice,
        tv.percent_nocturnal as percent_nocturnal_voice,
        tv.interevent_time_mean as interevent_time_mean_voice,
        -- voice: volumes and calls
        tv.events_out as calls_out,
        tv.events_in as calls_in,
        coalesce(uv.duration_out, 0) / 60 / $months as minutes_out,
        coalesce(uv.duration_in, 0) / 60 / $months as minutes_in,
        uv.duration_sum / nullif(uv.durations, 0) as call_duration_mean_voice,
        case when uv.durations > 0 then sqrt(greatest(
            cast(uv.duration_sq_sum as double) / uv.durations
            - pow(cast(uv.duration_sum as double) / uv.durations, 2), 0)) end as call_duration_std_voice,
        coalesce(uv.calls_long, 0) / $months as long_calls,
        uv.events_onnet / nullif(uv.events, 0) as onnet_call_share,
        -- sms: reference-toolbox indicators
        ts.number_of_interactions as number_of_interactions_sms,
        ts.percent_initiated as percent_initiated_sms,
        ts.number_of_contacts as number_of_contacts_sms,
        ts.entropy_of_contacts as entropy_of_contacts_sms,
        ts.percent_pareto_interactions as percent_pareto_interactions_sms,
        ts.interactions_per_contact_mean as interactions_per_contact_mean_sms,
        ts.balance_of_contacts_mean as balance_of_contacts_mean_sms,
        ts.offnet_contact_share as offnet_contact_share_sms,
        ts.percent_nocturnal as percent_nocturnal_sms,
        ts.interevent_time_mean as interevent_time_mean_sms,
        ts.events_out as sms_out,
        ts.events_in as sms_in,
        -- data
        coalesce(u.d_volume_kb, 0) / 1024 / $months as data_mb,
        coalesce(u.d_events, 0) / $months as data_sessions,
        u.d_volume_kb / 1024 / nullif(u.d_events, 0) as data_mb_per_session,
        u.d_volume_kb / 1024 / nullif(d.data_active_days, 0) as data_mb_per_active_day,
        coalesce(d.data_active_days, 0) / $months as data_active_days,
        -- roaming
        coalesce(u.roaming_domestic_all, 0) / $months as roaming_domestic_events,
        coalesce(u.roaming_international_all, 0) / $months as roaming_international_events,
        (u.roaming_domestic_all + u.roaming_international_all) / nullif(u.events_all, 0) as roaming_event_share,
        -- time of day
        u.night_all / nullif(u.events_all, 0) as night_share,
        u.weekend_all / nullif(u.events_all, 0) as weekend_share,
        u.d_night / nullif(u.d_events, 0) as percent_nocturnal_data,
        -- activity
        coalesce(d.active_days, 0) / $months as active_days,
        coalesce(u.events_all, 0) / $months as events_total,
        -- tenure and profile
        -- complete months from activation to the window's last day (the last day of a month)
        cast(case
            when c.activation_date <= cast($end as date) - 1
                then (year(cast($end as date) - 1) - year(c.activation_date)) * 12
                    + month(cast($end as date) - 1) - month(c.activation_date)
            else -((year(c.activation_date) - year(cast($end as date) - 1)) * 12
                + month(c.activation_date) - month(cast($end as date) - 1)
                - case when day(c.activation_date) < day(cast($end as date) - 1)
                    and c.activation_date <> last_day(c.activation_date) then 1 else 0 end)
        end as double) as tenure_months,
        cast(year(cast($end as date) - 1) - c.birth_year as double) as age,
        case when c.group_id is null or trim(c.group_id) = '' then 0.0 else 1.0 end as group_member,
        cast(c.credit_level as double) as credit_level,
        -- payment and credit
        coalesce(b.overdue_days, 0) / $months as overdue_days,
        cast(b.max_overdue_days as double) as max_overdue_days,
        cast(coalesce(b.months_with_arrears, 0) as double) as months_with_arrears,
        cast(coalesce(b.arrears, 0) as double) / $months as arrears,
        -- service contacts
        coalesce(sc.contacts, 0) / $months as contacts_total,
        coalesce(sc.hall, 0) / $months as contacts_hall,
        coalesce(sc.hotline, 0) / $months as contacts_hotline,
        coalesce(sc.ivr, 0) / $months as contacts_ivr,
        coalesce(sc.web, 0) / $months as contacts_web,
        coalesce(sc.sms, 0) / $months as contacts_sms,
        coalesce(sc.wap, 0) / $months as contacts_wap,
        coalesce(sc.kiosk, 0) / $months as contacts_kiosk,
        coalesce(sc.complaints, 0) / $months as complaints,
        sc.complaints / nullif(sc.contacts, 0) as complaint_share,
        -- prepaid recharges
        coalesce(t.recharges, 0) / $months as recharge_count,
        cast(coalesce(t.amount, 0) as double) / $months as recharge_amount,
        cast(t.amount as double) / nullif(t.recharges, 0) as recharge_amount_mean,
        -- revenue: the other amounts, the extremes of the monthly bill, the charges per service
        cast(coalesce(b.sms_fee, 0) as double) / $months as sms_fee,
        cast(coalesce(b.vas_fee, 0) as double) / $months as vas_fee,
        cast(coalesce(b.roaming_fee, 0) as double) / $months as roaming_fee,
        cast(coalesce(b.discount, 0) as double) / $months as discount,
        cast(b.max_total_fee as double) as max_total_fee,
        cast(b.min_total_fee as double) as min_total_fee,
        cast(coalesce(uv.charge, 0) as double) / $months as usage_charge_voice,
        cast(coalesce(us.charge, 0) as double) / $months as usage_charge_sms,
        cast(coalesce(ud.charge, 0) as double) / $months as usage_charge_data,
        cast(uv.charge as double) / nullif(uv.duration_sum / 60e0, 0) as charge_per_minute,
        -- voice: minutes, by direction and network
        coalesce(uv.duration_sum, 0) / 60 / $months as minutes_total,
        uv.duration_out / nullif(uv.events_out, 0) as call_duration_mean_out,
        uv.duration_in / nullif(uv.events_in, 0) as call_duration_mean_in,
        coalesce(uv.duration_onnet, 0) / 60 / $months as minutes_onnet,
        coalesce(uv.duration_offnet, 0) / 60 / $months as minutes_offnet,
        coalesce(uv.duration_onnet, 0) / nullif(uv.duration_sum, 0) as onnet_minutes_share,
        us.events_onnet / nullif(us.events, 0) as onnet_sms_share,
        -- social circle beyond the toolbox (27_cdr_social.sql) and the social-churn signal
        sv.reciprocal_contacts / sv.contacts as reciprocity_voice,
        sv.top_contact_events / sv.contact_events as top_contact_share_voice,
        sv.customer_contacts / sv.contacts as customer_contact_share_voice,
        sv.churned_contacts / nullif(sv.customer_contacts, 0) as churned_contact_share_voice,
        ss.reciprocal_contacts / ss.contacts as reciprocity_sms,
        ss.top_contact_events / ss.contact_events as top_contact_share_sms,
        ss.customer_contacts / ss.contacts as customer_contact_share_sms,
        ss.churned_contacts / nullif(ss.customer_contacts, 0) as churned_contact_share_sms,
        (coalesce(sv.churned_contact_events, 0) + coalesce(ss.churned_contact_events, 0))
            / nullif(coalesce(sv.customer_contact_events, 0) + coalesce(ss.customer_contact_events, 0), 0)
            as churned_contact_event_share,
        -- data and roaming per service
        coalesce(d.data_active_days, 0) / nullif(d.active_days, 0) as data_day_share,
        coalesce(uv.events_roaming_domestic + uv.events_roaming_international, 0) / $months as roaming_voice,
        coalesce(us.events_roaming_domestic + us.events_roaming_international, 0) / $months as roaming_sms,
        coalesce(ud.events_roaming_domestic + ud.events_roaming_international, 0) / $months as roaming_data,
        u.roaming_international_all / nullif(u.roaming_domestic_all + u.roaming_international_all, 0)
            as international_roaming_share,
        -- time profile: the four day-parts, weekdays and weekend days, per service
        coalesce(uv.events_00_06, 0) / $months as voice_00_06,
        coalesce(uv.events_06_12, 0) / $months as voice_06_12,
        coalesce(uv.events_12_18, 0) / $months as voice_12_18,
        coalesce(uv.events - uv.events_00_06 - uv.events_06_12 - uv.events_12_18, 0) / $months as voice_18_24,
        coalesce(uv.events - uv.events_weekend, 0) / $months as voice_weekday,
        coalesce(uv.events_weekend, 0) / $months as voice_weekend,
        uv.events_weekend / nullif(uv.events, 0) as voice_weekend_share,
        coalesce(us.events_00_06, 0) / $months as sms_00_06,
        coalesce(us.events_06_12, 0) / $months as sms_06_12,
        coalesce(us.events_12_18, 0) / $months as sms_12_18,
        coalesce(us.events - us.events_00_06 - us.events_06_12 - us.events_12_18, 0) / $months as sms_18_24,
        coalesce(us.events - us.events_weekend, 0) / $months as sms_weekday,
        coalesce(us.events_weekend, 0) / $months as sms_weekend,
        us.events_weekend / nullif(us.events, 0) as sms_weekend_share,
        coalesce(ud.events_00_06, 0) / $months as data_00_06,
        coalesce(ud.events_06_12, 0) / $months as data_06_12,
        coalesce(ud.events_12_18, 0) / $months as data_12_18,
        coalesce(ud.events - ud.events_00_06 - ud.events_06_12 - ud.events_12_18, 0) / $months as data_18_24,
        coalesce(ud.events - ud.events_weekend, 0) / $months as data_weekday,
        coalesce(ud.events_weekend, 0) / $months as data_weekend,
        ud.events_weekend / nullif(ud.events, 0) as data_weekend_share,
        -- mobility (25_cdr_cells.sql, 26_mobility.sql)
        coalesce(mob.cells, 0) / $months as number_of_antennas,
        mob.entropy_of_antennas,
        mob.percent_top_antenna,
        mob.percent_at_home,
        mob.home_night_share,
        mob.home_days_share,
        mob.antennas_per_active_day,
        mob.frequent_antennas,
        coalesce(mob.night_cells, 0) / $months as night_antennas,
        mob.events_per_antenna_mean,
        -- activity
        cast(coalesce(dt.active_months, 0) as double) as active_months,
        coalesce(d.active_days, 0) / cast(cast($end as date) - cast($start as date) as integer) as active_day_share,
        (cast(cast($end as date) - cast(u.last_event_all as date) as bigint) * 86400
            - (hour(u.last_event_all) * 3600 + minute(u.last_event_all) * 60 + second(u.last_event_all))) / 86400e0 as days_since_last_event,
        case when c.activation_date >= cast($start as date) and c.activation_date < cast($end as date)
            then 1.0 else 0.0 end as joined_in_window,
        -- payment
        cast(coalesce(b.months_overdue, 0) as double) as months_overdue,
        cast(b.max_arrears as double) as max_arrears,
        cast(b.arrears as double) / nullif(cast(b.total_fee as double), 0) as arrears_to_bill,
        -- service contacts by purpose, and their recency
        coalesce(sc.inquiries, 0) / $months as inquiries,
        coalesce(sc.transactions, 0) / $months as transactions,
        coalesce(sc.campaigns, 0) / $months as campaign_contacts,
        cast(coalesce(sc.complaints_last, 0) as double) as complaints_last_month,
        cast(coalesce(sc.channels_used, 0) as double) as contact_channels,
        (cast(cast($end as date) - cast(sc.last_contact as date) as bigint) * 86400
            - (hour(sc.last_contact) * 3600 + minute(sc.last_contact) * 60 + second(sc.last_contact))) / 86400e0 as days_since_last_contact,
        -- recharge regularity
        cast(t.max_amount as double) as recharge_amount_max,
        t.gap_sum / nullif(t.gaps, 0) / 86400 as recharge_interval_mean,
        t.interval_std_days as recharge_interval_std,
        t.interval_std_days / nullif(t.gap_sum / nullif(t.gaps, 0) / 86400, 0) as recharge_interval_cv,
        t.gap_max / 86400e0 as recharge_interval_max,
        (cast(cast($end as date) - cast(t.last_recharge as date) as bigint) * 86400
            - (hour(t.last_recharge) * 3600 + minute(t.last_recharge) * 60 + second(t.last_recharge))) / 86400e0 as days_since_last_recharge,
        -- trends over the window: least-squares slope of the monthly totals (months 0 .. $months - 1)
        -- and the last month's total / the first month's
        (cast(coalesce(b.fee_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(b.total_fee, 0) as double))
            / nullif($months * ($months * $months - 1) / 12e0, 0) as total_fee_slope,
        cast(b.fee_last as double) / nullif(cast(b.fee_first as double), 0) as total_fee_last_first,
        (cast(coalesce(uv.duration_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(uv.duration_sum, 0) as double)) / 60
            / nullif($months * ($months * $months - 1) / 12e0, 0) as minutes_slope,
        coalesce(uv.duration_last, 0) / nullif(uv.duration_first, 0) as minutes_last_first,
        (cast(coalesce(uv.events_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(uv.events, 0) as double))
            / nullif($months * ($months * $months - 1) / 12e0, 0) as calls_slope,
        coalesce(uv.events_last, 0) / nullif(uv.events_first, 0) as calls_last_first,
        (cast(coalesce(us.events_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(us.events, 0) as double))
            / nullif($months * ($months * $months - 1) / 12e0, 0) as sms_slope,
        coalesce(us.events_last, 0) / nullif(us.events_first, 0) as sms_last_first,
        (cast(coalesce(ud.volume_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(ud.volume_kb, 0) as double)) / 1024
            / nullif($months * ($months * $months - 1) / 12e0, 0) as data_mb_slope,
        coalesce(ud.volume_last, 0) / nullif(ud.volume_first, 0) as data_mb_last_first,
        (cast(coalesce(dt.days_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(d.active_days, 0) as double))
            / nullif($months * ($months * $months - 1) / 12e0, 0) as active_days_slope,
        dt.days_last / nullif(dt.days_first, 0) as active_days_last_first,
        (cast(coalesce(sv.contacts_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(sv.contact_months, 0) as double))
            / nullif($months * ($months * $months - 1) / 12e0, 0) as contacts_voice_slope,
        sv.contacts_last / nullif(sv.contacts_first, 0) as contacts_voice_last_first,
        (cast(coalesce(ss.contacts_month_sum, 0) as double) - ($months - 1) / 2e0 * cast(coalesce(ss.contact_months, 0) as double))
            / nullif($months * ($months * $months - 1) / 12e0, 0) as contacts_sms_slope,
        ss.contacts_last / nullif(ss.contacts_first, 0) as contacts_sms_last_first,
        -- churn signals
        coalesce(h.hotline_events, 0) / $months as competitor_hotline_calls,
        coalesce(u.events_last_month_all, 0) / nullif(u.events_earlier_mean, 0) as last_month_usage_ratio
    from population as pop
    inner join stg_customers as c on c.customer_id = pop.customer_id
    left join per_customer as u on u.customer_id = pop.customer_id
    left join toolbox as tv on tv.customer_id = pop.customer_id and tv.service = 'voice'
    left join toolbox as ts on ts.customer_id = pop.customer_id and ts.service = 'sms'
    left join usage_services as uv on uv.customer_id = pop.customer_id and uv.service = 'voice'
    left join usage_services as us on us.customer_id = pop.customer_id and us.service = 'sms'
    left join usage_services as ud on ud.customer_id = pop.customer_id and ud.service = 'data'
    left join days as d on d.customer_id = pop.customer_id
    left join day_trend as dt on dt.customer_id = pop.customer_id
    left join mobility as mob on mob.customer_id = pop.customer_id
    left join cdr_social as sv on sv.customer_id = pop.customer_id and sv.service = 'voice'
    left join cdr_social as ss on ss.customer_id = pop.customer_id and ss.service = 'sms'
    left join bills as b on b.customer_id = pop.customer_id
    left join service_contacts as sc on sc.customer_id = pop.customer_id
    left join topup_intervals as t on t.customer_id = pop.customer_id
    left join cdr_hotline as h on h.customer_id = pop.customer_id
)

select * from final
