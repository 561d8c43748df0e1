-- One row per customer of the population: customer_id, brand, then every indicator of
-- the catalogue (segment/catalogue.py), in catalogue order.
-- grain: one row per customer_id (the table is read ordered by customer_id: FeatureSet.relation;
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
        sum(bit_count(mask_all)) as active_days,
        sum(bit_count(mask_data)) as data_active_days
    from (
        select
            customer_id,
            block,
            bit_or(day_mask) as mask_all,
            bit_or(day_mask) filter (where service = 'data') as mask_data
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
        sum(cast(events * ln(events) * 1e15 as hugeint)) as events_ln_events_e15,
        sum(cast(events_out / (events_out + events_in) * 1e15 as hugeint))
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

usage_voice as (
    select
        customer_id,
        sum(events) as v_events,
        sum(events_out) as v_out,
        sum(events_in) as v_in,
        sum(events_night) as v_night,
        sum(events_onnet) as v_onnet,
        sum(calls_long) as v_long,
        sum(durations) as v_durations,
        sum(duration_sum) as v_duration_sum,
        sum(duration_sq_sum) as v_duration_sq_sum,
        sum(duration_out) as v_duration_out,
        sum(duration_in) as v_duration_in,
        min(first_event) as v_first,
        max(last_event) as v_last
    from cdr_usage
    where service = 'voice'
    group by customer_id
),

usage_sms as (
    select
        customer_id,
        sum(events) as s_events,
        sum(events_out) as s_out,
        sum(events_in) as s_in,
        sum(events_night) as s_night,
        min(first_event) as s_first,
        max(last_event) as s_last
    from cdr_usage
    where service = 'sms'
    group by customer_id
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
    left join usage_voice as v using (customer_id)
    left join usage_sms as s using (customer_id)
    left join usage_data as d using (customer_id)
),

social_wide as (
    select
        customer_id,
        max(contacts) filter (where service = 'voice') as v_contacts,
        max(contact_events) filter (where service = 'voice') as v_contact_events,
        max(events_ln_events_e15) filter (where service = 'voice') as v_eln_e15,
        max(balance_sum_e15) filter (where service = 'voice') as v_balance_e15,
        max(balance_contacts) filter (where service = 'voice') as v_balance_contacts,
        max(offnet_contacts) filter (where service = 'voice') as v_offnet_contacts,
        max(pareto_contacts) filter (where service = 'voice') as v_pareto_contacts,
        max(contacts) filter (where service = 'sms') as s_contacts,
        max(contact_events) filter (where service = 'sms') as s_contact_events,
        max(events_ln_events_e15) filter (where service = 'sms') as s_eln_e15,
        max(balance_sum_e15) filter (where service = 'sms') as s_balance_e15,
        max(balance_contacts) filter (where service = 'sms') as s_balance_contacts,
        max(offnet_contacts) filter (where service = 'sms') as s_offnet_contacts,
        max(pareto_contacts) filter (where service = 'sms') as s_pareto_contacts
    from social
    group by customer_id
),

bills as (
    select
        customer_id,
        count(*) as bill_months,
        sum(total_fee) as total_fee,
        sum(total_fee * total_fee) as total_fee_sq,
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
        cast(b.package_fee / nullif(b.total_fee + b.discount, 0) as double) as package_fee_share,
        cast(b.voice_fee / nullif(b.total_fee + b.discount, 0) as double) as voice_fee_share,
        cast(b.sms_fee / nullif(b.total_fee + b.discount, 0) as double) as sms_fee_share,
        cast(b.data_fee / nullif(b.total_fee + b.discount, 0) as double) as data_fee_share,
        cast(b.vas_fee / nullif(b.total_fee + b.discount, 0) as double) as vas_fee_share,
        cast(b.roaming_fee / nullif(b.total_fee + b.discount, 0) as double) as roaming_fee_share,
        cast(b.discount / nullif(b.total_fee + b.discount, 0) as double) as discount_rate,
        sqrt(greatest(
            cast(b.total_fee_sq as double) / b.bill_months
            - pow(cast(b.total_fee as double) / b.bill_months, 2), 0))
            / nullif(cast(b.total_fee as double) / b.bill_months, 0) as total_fee_cv,
        cast(coalesce(u.charge_all, 0) as double) / $months as usage_charge,
        -- voice: reference-toolbox indicators
        coalesce(u.v_events, 0) / $months as number_of_interactions_voice,
        u.v_out / nullif(u.v_events, 0) as percent_initiated_voice,
        coalesce(s.v_contacts, 0) / $months as number_of_contacts_voice,
        case when s.v_contacts is null then null when s.v_contacts = 1 then 0.0 else greatest(ln(s.v_contact_events) - cast(s.v_eln_e15 as double) / 1e15 / s.v_contact_events, 0.0) end
            as entropy_of_contacts_voice,
        s.v_pareto_contacts / s.v_contacts as percent_pareto_interactions_voice,
        s.v_contact_events / s.v_contacts as interactions_per_contact_mean_voice,
        cast(s.v_balance_e15 as double) / 1e15 / nullif(s.v_balance_contacts, 0) as balance_of_contacts_mean_voice,
        s.v_offnet_contacts / s.v_contacts as offnet_contact_share_voice,
        u.v_night / nullif(u.v_events, 0) as percent_nocturnal_voice,
        epoch(u.v_last - u.v_first) / nullif(u.v_events - 1, 0) as interevent_time_mean_voice,
        -- voice: volumes and calls
        coalesce(u.v_out, 0) / $months as calls_out,
        coalesce(u.v_in, 0) / $months as calls_in,
        coalesce(u.v_duration_out, 0) / 60 / $months as minutes_out,
        coalesce(u.v_duration_in, 0) / 60 / $months as minutes_in,
        u.v_duration_sum / nullif(u.v_durations, 0) as call_duration_mean_voice,
        case when u.v_durations > 0 then sqrt(greatest(
            cast(u.v_duration_sq_sum as double) / u.v_durations
            - pow(cast(u.v_duration_sum as double) / u.v_durations, 2), 0)) end as call_duration_std_voice,
        coalesce(u.v_long, 0) / $months as long_calls,
        u.v_onnet / nullif(u.v_events, 0) as onnet_call_share,
        -- sms: reference-toolbox indicators
        coalesce(u.s_events, 0) / $months as number_of_interactions_sms,
        u.s_out / nullif(u.s_events, 0) as percent_initiated_sms,
        coalesce(s.s_contacts, 0) / $months as number_of_contacts_sms,
        case when s.s_contacts is null then null when s.s_contacts = 1 then 0.0 else greatest(ln(s.s_contact_events) - cast(s.s_eln_e15 as double) / 1e15 / s.s_contact_events, 0.0) end
            as entropy_of_contacts_sms,
        s.s_pareto_contacts / s.s_contacts as percent_pareto_interactions_sms,
        s.s_contact_events / s.s_contacts as interactions_per_contact_mean_sms,
        cast(s.s_balance_e15 as double) / 1e15 / nullif(s.s_balance_contacts, 0) as balance_of_contacts_mean_sms,
        s.s_offnet_contacts / s.s_contacts as offnet_contact_share_sms,
        u.s_night / nullif(u.s_events, 0) as percent_nocturnal_sms,
        epoch(u.s_last - u.s_first) / nullif(u.s_events - 1, 0) as interevent_time_mean_sms,
        coalesce(u.s_out, 0) / $months as sms_out,
        coalesce(u.s_in, 0) / $months as sms_in,
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
        cast(date_sub('month', c.activation_date, cast($end as date) - 1) as double) as tenure_months,
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
    left join social_wide as s on s.customer_id = pop.customer_id
    left join days as d on d.customer_id = pop.customer_id
    left join bills as b on b.customer_id = pop.customer_id
    left join service_contacts as sc on sc.customer_id = pop.customer_id
    left join topups as t on t.customer_id = pop.customer_id
    left join cdr_hotline as h on h.customer_id = pop.customer_id
)

select * from final
