-- Multi-SIM candidates: for each customer, the other numbers (off-net ones, and other
-- customers) whose contacts are largely the customer's own. Two nodes share a contact
-- when one customer's CDR (the middle's) holds both as peers; a node's contacts are the
-- customers who have it as a peer (its degree), so an off-net number, seen only through
-- our customers, is compared with the same kind of set as a customer.
-- jaccard = shared / (customer_degree + candidate_degree - shared); overlap = shared /
-- candidate_degree (the share of the candidate's contacts that are the customer's: a
-- second phone calls the owner's circle and little else); adamic_adar = sum over the
-- shared contacts of 1 / ln(their contacts), so that a contact with few others counts more.
-- Time use: each node's events as the peer of other customers' calls and SMS (the only
-- way an off-net number is seen), and the share of them in the window's later half
-- (customer_late, candidate_late). A pair is scored when one side's use moves across the
-- window: the candidate's (candidate_late >= $min_candidate_late: a second phone taken up
-- in the later months) or the customer's (customer_late <= $max_customer_late: a line
-- fading or gone early in the window, whose owner's second phone may have been in use from
-- its start). That keeps the self-join small (most numbers and customers are used evenly):
-- the two joins below each have one side filtered.
-- Only pairs with at least $min_shared shared contacts are kept.
-- grain: one row per customer_id x candidate_id.
-- params: $start, $end (DATE, window = [start, end)); $late_from (DATE, first day of the
--   window's later half); $min_shared (BIGINT); $min_candidate_late, $max_customer_late
--   (DOUBLE); reads
--   graph_edges (31_graph_edges.sql).
create or replace temp table multisim_pairs as
with seen as (
    select
        peer_id,
        cast(coalesce(sum(cast(start_time >= $late_from as integer)), 0) as double)
            / cast(count(*) as double) as late
    from stg_cdr
    where
        start_time >= $start
        and start_time < $end
        and peer_id is not null
        and (service = 'voice' or service = 'sms')
    group by peer_id
),

customer_side as (
    select
        e.middle_id,
        e.peer_id,
        e.middle_contacts,
        e.peer_degree,
        coalesce(s.late, 0e0) as late
    from graph_edges as e
    left join seen as s on s.peer_id = e.peer_id
    where e.is_customer and e.peer_degree >= $min_shared
),

candidate_side as (
    select
        e.middle_id,
        e.peer_id,
        e.peer_degree,
        e.is_customer,
        s.late
    from graph_edges as e
    inner join seen as s on s.peer_id = e.peer_id
    where e.peer_degree >= $min_shared
),

-- the shared contacts of the pairs, through a late candidate or a fading customer
shared as (
    select
        a.peer_id as customer_id,
        x.peer_id as candidate_id,
        a.middle_id,
        a.middle_contacts,
        a.peer_degree as customer_degree,
        x.peer_degree as candidate_degree,
        x.is_customer,
        x.late
    from customer_side as a
    inner join candidate_side as x on x.middle_id = a.middle_id and x.peer_id <> a.peer_id
    where x.late >= $min_candidate_late
    union
    select
        a.peer_id as customer_id,
        x.peer_id as candidate_id,
        a.middle_id,
        a.middle_contacts,
        a.peer_degree as customer_degree,
        x.peer_degree as candidate_degree,
        x.is_customer,
        x.late
    from customer_side as a
    inner join candidate_side as x on x.middle_id = a.middle_id and x.peer_id <> a.peer_id
    where a.late <= $max_customer_late
),

pairs as (
    select
        customer_id,
        candidate_id,
        count(*) as shared_contacts,
        sum(1e0 / ln(greatest(middle_contacts, 2))) as adamic_adar,
        max(customer_degree) as customer_contacts,
        max(candidate_degree) as candidate_contacts,
        bool_or(is_customer) as candidate_is_customer,
        max(late) as candidate_late
    from shared
    group by customer_id, candidate_id
    having count(*) >= $min_shared
),

final as (
    select
        p.customer_id,
        p.candidate_id,
        p.candidate_is_customer,
        p.shared_contacts,
        p.customer_contacts,
        p.candidate_contacts,
        cast(p.shared_contacts as double)
            / cast(p.customer_contacts + p.candidate_contacts - p.shared_contacts as double) as jaccard,
        cast(p.shared_contacts as double) / cast(p.candidate_contacts as double) as overlap,
        p.adamic_adar,
        coalesce(s.late, 0e0) as customer_late,
        p.candidate_late
    from pairs as p
    left join seen as s on s.peer_id = p.customer_id
)

select * from final
order by customer_id, candidate_id
