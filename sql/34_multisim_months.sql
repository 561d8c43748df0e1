-- The evidence of the multi-SIM listing: the events each flagged customer and candidate
-- were seen in (as the peer of other customers' calls and SMS) per month of the window.
-- grain: one row per node_id x month with an event.
-- params: $start, $end (DATE, window = [start, end)); reads multisim (33_multisim.sql).
with nodes as (
    select customer_id as node_id from multisim where multisim
    union
    select candidate_id as node_id from multisim where multisim
),

final as (
    select
        c.peer_id as node_id,
        year(c.start_time) * 100 + month(c.start_time) as month,
        count(*) as events
    from stg_cdr as c
    inner join nodes as n on n.node_id = c.peer_id
    where c.start_time >= $start and c.start_time < $end and (c.service = 'voice' or c.service = 'sms')
    group by c.peer_id, year(c.start_time) * 100 + month(c.start_time)
)

select * from final
order by node_id, month
