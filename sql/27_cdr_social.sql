-- The social-circle measures beyond the reference toolbox, per customer and service (voice,
-- SMS), from cdr_peer (21_cdr_peer.sql): reciprocity, the top contact, contacts who are our
-- customers and those of them who churned (the social-churn signal: churn spreads along
-- ties), and the distinct contacts of each month of the window (their trend).
-- grain: one row per customer_id x service with a contact in the window.
-- params: $start, $end (DATE, window = [start, end)); $months (months in the window).
-- An on-net peer_id is in the customer_id space (the input contract): a contact is one of our
-- customers when its peer_id is a customer_id of the customers table and none of its events
-- was off-net. The ids are compared as text, so that an integer id and a text one compare as
-- written (as the competitor hotlines do); a customer churned when its churn_date is before the
-- window's end (churn's churn_date rule, 55_churn_customers.sql).
-- Contacts per month: month_mask bit m (21_cdr_peer.sql); the window's months are numbered
-- 0 .. $months - 1 from the billed months (every month of the window is billed:
-- segment.features.choose_window).
create or replace temp table cdr_social as
with peers as (
    select
        p.customer_id,
        p.service,
        p.peer_id,
        p.events,
        p.events_out,
        p.events_in,
        p.month_mask,
        c.peer_id is not null and not coalesce(p.offnet, false) as is_customer,
        coalesce(c.churned, false) and not coalesce(p.offnet, false) as churned
    from cdr_peer as p
    left join (
        select
            cast(customer_id as varchar) as peer_id,
            bool_or(churn_date < cast($end as date)) as churned
        from stg_customers
        group by cast(customer_id as varchar)
    ) as c on c.peer_id = cast(p.peer_id as varchar)
    where p.service in ('voice', 'sms')
),

per_service as (
    select
        customer_id,
        service,
        count(*) as contacts,
        sum(events) as contact_events,
        max(events) as top_contact_events,
        count(*) filter (where events_out > 0 and events_in > 0) as reciprocal_contacts,
        count(*) filter (where is_customer) as customer_contacts,
        count(*) filter (where churned) as churned_contacts,
        coalesce(sum(events) filter (where is_customer), 0) as customer_contact_events,
        coalesce(sum(events) filter (where churned), 0) as churned_contact_events
    from peers
    group by customer_id, service
),

masks as (
    select
        customer_id,
        service,
        month_mask,
        count(*) as contacts
    from cdr_peer
    where service in ('voice', 'sms')
    group by customer_id, service, month_mask
),

months as (
    select distinct
        (year(bill_month) - year(cast($start as date))) * 12 + month(bill_month) - month(cast($start as date))
            as month_index
    from stg_billing
    where bill_month >= $start and bill_month < $end
),

monthly as (
    select
        k.customer_id,
        k.service,
        m.month_index,
        sum(k.contacts) as contacts
    from masks as k
    cross join months as m
    where ((k.month_mask >> m.month_index) & 1) = 1
    group by k.customer_id, k.service, m.month_index
),

trend as (
    select
        customer_id,
        service,
        coalesce(sum(contacts) filter (where month_index = 0), 0) as contacts_first,
        coalesce(sum(contacts) filter (where month_index = $months - 1), 0) as contacts_last,
        sum(month_index * contacts) as contacts_month_sum,
        sum(contacts) as contact_months
    from monthly
    group by customer_id, service
),

final as (
    select
        s.*,
        t.contacts_first,
        t.contacts_last,
        t.contacts_month_sum,
        t.contact_months
    from per_service as s
    left join trend as t on t.customer_id = s.customer_id and t.service = s.service
)

select * from final
