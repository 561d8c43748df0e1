-- Voice and SMS events per customer and peer inside the window: the first level of the
-- two-level aggregate behind the social-circle indicators (distinct contacts, entropy,
-- pareto, balance), which is much cheaper than count(DISTINCT ...) per customer.
-- grain: one row per customer_id x service x peer_id.
-- params: $start, $end (DATE: the window is start <= start_time < end).
create or replace temp table cdr_peer as
select
    customer_id,
    service,
    peer_id,
    count(*) as events,
    count(*) filter (where direction = 'out') as events_out,
    count(*) filter (where direction = 'in') as events_in,
    bool_or(peer_network = 'offnet') as offnet
from stg_cdr
where
    start_time >= $start
    and start_time < $end
    and service in ('voice', 'sms')
    and peer_id is not null
group by customer_id, service, peer_id
