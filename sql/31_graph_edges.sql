-- The call graph of the window, as the edges the multi-SIM and re-entry matching join on
-- (32_multisim_pairs.sql, 34_reentry_pairs.sql): a customer (the middle) and a peer they
-- called or texted, with the peer's degree (how many customers have it as a contact). The
-- contract puts the peer_id of an on-net event in the customer_id space, so a peer that is
-- a customer is the same node as that customer (is_customer).
-- Degree caps keep the self-join on the middle near linear: a middle with more than
-- $max_contacts contacts (a call centre, a shared office line) and a peer with more than
-- $max_degree customers calling it (a hotline, a taxi firm) are left out.
-- grain: one row per middle_id x peer_id (voice and SMS together; no order: a temp table
-- the graph SQL joins, whose readers sort their outputs).
-- params: $max_contacts, $max_degree (BIGINT); reads cdr_peer (21_cdr_peer.sql).
create or replace temp table graph_edges as
with edges as (
    select
        customer_id as middle_id,
        peer_id,
        sum(events) as events
    from cdr_peer
    where service = 'voice' or service = 'sms'
    group by customer_id, peer_id
),

-- compared as text, so that a text peer_id and an integer customer_id can be compared at all
-- (once per distinct peer)
known as (
    select distinct cast(customer_id as varchar) as customer_id
    from stg_customers
    where customer_id is not null
),

middles as (
    select
        middle_id,
        count(*) as contacts
    from edges
    group by middle_id
),

peers as (
    select
        e.peer_id,
        count(*) as degree
    from edges as e
    group by e.peer_id
),

-- grouped once more, so that the text comparison runs once per distinct peer rather than
-- once per edge (the engine would otherwise join it after the edges)
peer_kinds as (
    select
        p.peer_id,
        max(p.degree) as degree,
        bool_or(k.customer_id is not null) as is_customer
    from peers as p
    left join known as k on k.customer_id = cast(p.peer_id as varchar)
    group by p.peer_id
),

final as (
    select
        e.middle_id,
        e.peer_id,
        e.events,
        m.contacts as middle_contacts,
        p.degree as peer_degree,
        p.is_customer
    from edges as e
    inner join middles as m on m.middle_id = e.middle_id
    inner join peer_kinds as p on p.peer_id = e.peer_id
    where m.contacts <= $max_contacts and p.degree <= $max_degree
)

select * from final
