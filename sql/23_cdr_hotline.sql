-- Contacts with competitors' service hotlines, defined once for the indicator
-- competitor_hotline_calls (40_features.sql) and churn's competitor_hotline rule
-- (55_churn_customers.sql): the window's voice and SMS events whose peer is one of
-- [features] competitor_hotlines.
-- grain: one row per customer_id with at least one such event.
-- params: $hotlines (the competitor hotline numbers typed as peer_id: features.hotline_ids).
-- Reads cdr_peer (21_cdr_peer.sql): the window's events with a peer, per customer and peer.
create or replace temp table cdr_hotline as
select
    customer_id,
    sum(events) as hotline_events
from cdr_peer
where service in ('voice', 'sms') and array_contains($hotlines, peer_id)
group by customer_id
