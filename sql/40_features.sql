-- One row per customer of the population: customer_id, brand, then every indicator of
-- the catalogue (segment/catalogue.py), in catalogue order.
-- grain: one row per customer_id (the table is read ordered by customer_id: FeatureSet.query;
--   sorting here as well would sort the wide rows twice).
-- params: $start, $end (DATE, window = [start, end)), $months (months in the window),
--   $pareto_share (e.g. 0.8).
-- Reads the stage tables cdr_usage, cdr_peer, cdr_hotline, service_contacts (20, 21, 23, 24)
--   and population (30).
-- Volumes are window totals / $months; shares, means and dispersions are over all events
-- of the window. Sums of money and counts are exact (DECIMAL / integers); the entropy and
-- balance sums go through fixed point (1e-15) so that they do not depend on the
-- order in which threads combine partial sums.
with days as (
    select
        customer_id,
        sum(bit_count(lo_all) + bit_count(hi_all)) as active_days,
        sum(bit_count(lo_data) + bit_count(hi_data)) as data_active_days
    from (
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
    )
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
        -- mean events of the window's months before the last one (null for a 1-month window)
        (sum(events) - sum(events_last)) / nullif($months - 1, 0) as events_earlier_mean
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id
),

-- usage per customer and service of the reference toolbox (voice and SMS, the services
-- with a peer)
usage_peer_services as (
    select
        customer_id,
        service,
        sum(events) as events,
        sum(events_out) as events_out,
        sum(events_in) as events_in,
        sum(events_night) as events_night,
        sum(events_onnet) as events_onnet,
        sum(calls_long) as calls_long,
        sum(durations) as durations,
        sum(duration_sum) as duration_sum,
        sum(duration_sq_sum) as duration_sq_sum,
        sum(duration_out) as duration_out,
        sum(duration_in) as duration_in,
        min(first_event) as first_event,
        max(last_event) as last_event
    from cdr_usage
    where service in ('voice', 'sms')
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
    left join usage_peer_services as u on u.customer_id = pop.customer_id and u.service = k.service
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
        sum(arrears) as arrears
    from stg_billing
    where bill_month >= $start and bill_month < $end
    group by customer_id
),

topups as (
    select
        customer_id,
        count(*) as recharges,
        sum(amount) as amount
    from stg_recharges
    where recharge_time >= $start and recharge_time < $end
    group by customer_id
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
        -- churn signals
        coalesce(h.hotline_events, 0) / $months as competitor_hotline_calls,
        coalesce(u.events_last_month_all, 0) / nullif(u.events_earlier_mean, 0) as last_month_usage_ratio
    from population as pop
    inner join stg_customers as c on c.customer_id = pop.customer_id
    left join per_customer as u on u.customer_id = pop.customer_id
    left join toolbox as tv on tv.customer_id = pop.customer_id and tv.service = 'voice'
    left join toolbox as ts on ts.customer_id = pop.customer_id and ts.service = 'sms'
    left join usage_peer_services as uv on uv.customer_id = pop.customer_id and uv.service = 'voice'
    left join days as d on d.customer_id = pop.customer_id
    left join bills as b on b.customer_id = pop.customer_id
    left join service_contacts as sc on sc.customer_id = pop.customer_id
    left join topups as t on t.customer_id = pop.customer_id
    left join cdr_hotline as h on h.customer_id = pop.customer_id
)

select * from final
