-- Audit: the contract's one id space, the peer_id of an on-net event being a customer_id:
-- the distinct on-net peers of the window (voice and SMS) and how many of them are
-- customers, with up to three that are not (smallest first). The ids are compared as text,
-- so that a text peer_id and an integer customer_id can be compared at all.
-- grain: one row per example (example_rank 1..3), or one row with example_rank null when
--   every on-net peer is a customer (or there is none).
-- params: none (reads cdr_peer, 21_cdr_peer.sql: the window's events).
with onnet as (
    select distinct cast(peer_id as varchar) as peer_id
    from cdr_peer
    where not offnet and (service = 'voice' or service = 'sms')
),

known as (
    select distinct cast(customer_id as varchar) as customer_id
    from stg_customers
    where customer_id is not null
),

flagged as (
    select
        o.peer_id,
        k.customer_id is not null as found
    from onnet as o
    left join known as k on k.customer_id = o.peer_id
),

counts as (
    select
        count(*) as onnet_peers,
        coalesce(sum(cast(found as integer)), 0) as found_peers
    from flagged
),

examples as (
    select
        peer_id,
        row_number() over (order by peer_id) as example_rank
    from flagged
    where not found
),

final as (
    select
        c.onnet_peers,
        c.found_peers,
        e.example_rank,
        e.peer_id as example
    from counts as c
    left join examples as e on e.example_rank <= 3
)

select * from final
order by example_rank
