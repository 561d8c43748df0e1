-- Events per customer and peer inside the window: the first level of the two-level
-- aggregate behind the social-circle indicators (distinct contacts, entropy, pareto,
-- balance), which is much cheaper than count(DISTINCT ...) per customer.
-- Only voice and SMS events have a peer; the filter is on peer_id alone, which DuckDB
-- applies inside the scan, and readers keep the services they need (a filter on the
-- service text here cost a fifth of this stage).
-- month_mask has bit m set when the pair has an event in the window's month m (0 = the
-- first): the contacts of each month, for the trends of distinct contacts (27_cdr_social.sql).
-- A window has at most 24 months (config.MAX_MONTHS), far from the sign bit.
-- events_late: the pair's events in the window's later half (start_time >= $late_from), the
-- time use of each node that the multi-SIM growth test reads (32_multisim_pairs.sql).
-- grain: one row per customer_id x service x peer_id.
-- params: $start, $end (DATE: the window is start <= start_time < end); $late_from (DATE, the
--   first day of the window's later half, features.Window.late_from).
create or replace temp table cdr_peer as
select
    customer_id,
    service,
    peer_id,
    count(*) as events,
    cast(coalesce(sum(cast(direction = 'out' as integer)), 0) as bigint) as events_out,
    cast(coalesce(sum(cast(direction = 'in' as integer)), 0) as bigint) as events_in,
    cast(coalesce(sum(cast(start_time >= $late_from as integer)), 0) as bigint) as events_late,
    bool_or(peer_network = 'offnet') as offnet,
    bit_or(cast(1 as bigint) << ((year(start_time) - year(cast($start as date))) * 12
        + month(start_time) - month(cast($start as date)))) as month_mask
from stg_cdr
where
    start_time >= $start
    and start_time < $end
    and peer_id is not null
group by customer_id, service, peer_id
