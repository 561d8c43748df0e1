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
-- way an off-net number is seen; cdr_peer summed per peer), the share of them in the
-- window's later half (customer_late, candidate_late) and the growth test: growth_z =
-- (late - n p) / sqrt(n p (1 - p)), how many binomial standard deviations the node's n
-- events put in the later half above even use (p = $late_share, the later half's share
-- of the window's days). A pair is scored when the candidate grows (candidate_z >=
-- $min_growth_z: a second phone taken up in the window), or when the customer fades by the
-- same test mirrored (customer_z <= -$min_growth_z: a line fading or gone early, whose
-- owner's second phone may have been in use from the window's start) and the candidate
-- grows a little (candidate_z >= $fading_candidate_z, below $min_growth_z). Most numbers
-- are used evenly, so both self-joins below have one side filtered.
-- owner_score = jaccard x (1 + $owner_shift_weight x shift), shift = candidate_late -
-- customer_late: the jaccard a little raised by complementary use, which tells the owner
-- from a ring neighbour with the same circle. rival_score: the largest owner_score of
-- another customer sharing at least 2 of the candidate's contacts (0 when none; every
-- customer is joined with a scored candidate, so all its rivals are there):
-- 33_multisim.sql wants the owner's above it.
-- Only pairs with at least $min_shared shared contacts are kept.
-- grain: one row per customer_id x candidate_id (no order: readers sort).
-- params: $min_shared (BIGINT); $late_share (DOUBLE; outside (0, 1), a 1-month window,
--   nothing is scored); $min_growth_z, $fading_candidate_z, $owner_shift_weight (DOUBLE);
--   reads graph_edges (31_graph_edges.sql) and cdr_peer (21_cdr_peer.sql).
create or replace temp table multisim_pairs as
with use_per_peer as (
    select
        peer_id,
        cast(sum(events) as double) as events,
        cast(sum(events_late) as double) as events_late
    from cdr_peer
    where service = 'voice' or service = 'sms'
    group by peer_id
),

seen as (
    select
        peer_id,
        events_late / events as late,
        case when $late_share > 0 and $late_share < 1 then
            (events_late - events * $late_share) / sqrt(events * $late_share * (1e0 - $late_share))
        end as growth_z
    from use_per_peer
),

customer_side as (
    select
        e.middle_id,
        e.peer_id,
        e.middle_contacts,
        e.peer_degree,
        coalesce(s.late, 0e0) as late,
        coalesce(s.growth_z, 0e0) as growth_z
    from graph_edges as e
    left join seen as s on s.peer_id = e.peer_id
    where e.is_customer and e.peer_degree >= 2
),

candidate_side as (
    select
        e.middle_id,
        e.peer_id,
        e.peer_degree,
        e.is_customer,
        s.late,
        s.growth_z
    from graph_edges as e
    inner join seen as s on s.peer_id = e.peer_id
    where e.peer_degree >= 2 and s.growth_z >= $fading_candidate_z
),

-- the node attributes of both sides (constant per node: its degree, kind and time use),
-- joined to the pairs after they are counted, so that the pair aggregate holds two sums
customer_nodes as (
    select
        peer_id,
        max(peer_degree) as customer_degree,
        max(late) as customer_late,
        max(growth_z) as customer_z
    from customer_side
    group by peer_id
),

candidate_nodes as (
    select
        peer_id,
        max(peer_degree) as candidate_degree,
        bool_or(is_customer) as candidate_is_customer,
        max(late) as candidate_late,
        max(growth_z) as candidate_z
    from candidate_side
    group by peer_id
),

-- the shared contacts of the pairs: a growing candidate with every customer
grown as (
    select
        a.peer_id as customer_id,
        x.peer_id as candidate_id,
        a.middle_contacts
    from customer_side as a
    inner join candidate_side as x on x.middle_id = a.middle_id and x.peer_id <> a.peer_id
    where x.growth_z >= $min_growth_z
),

-- the other candidates of fading customers (sharing $min_shared contacts), then each
-- with every customer, as a growing one
fading_candidates as (
    select distinct x.peer_id
    from customer_side as a
    inner join candidate_side as x on x.middle_id = a.middle_id and x.peer_id <> a.peer_id
    where a.growth_z <= -$min_growth_z and x.growth_z < $min_growth_z and x.peer_degree >= $min_shared
    group by a.peer_id, x.peer_id
    having count(*) >= $min_shared
),

faded as (
    select
        a.peer_id as customer_id,
        x.peer_id as candidate_id,
        a.middle_contacts
    from customer_side as a
    inner join candidate_side as x on x.middle_id = a.middle_id and x.peer_id <> a.peer_id
    inner join fading_candidates as f on f.peer_id = x.peer_id
),

shared as (
    select * from grown
    union all
    select * from faded
),

counted as (
    select
        customer_id,
        candidate_id,
        count(*) as shared_contacts,
        -- summed as integers (1e-15 units): a sum of doubles depends on the order the engine
        -- adds them in, and the output must not
        cast(sum(cast(round_even(1e15 / ln(greatest(middle_contacts, 2)), 0) as decimal(38, 0))) as double)
            / 1e15 as adamic_adar
    from shared
    group by customer_id, candidate_id
    having count(*) >= 2
),

pairs as (
    select
        p.customer_id,
        p.candidate_id,
        p.shared_contacts,
        p.adamic_adar,
        a.customer_degree as customer_contacts,
        x.candidate_degree as candidate_contacts,
        x.candidate_is_customer,
        a.customer_late,
        a.customer_z,
        x.candidate_late,
        x.candidate_z
    from counted as p
    inner join customer_nodes as a on a.peer_id = p.customer_id
    inner join candidate_nodes as x on x.peer_id = p.candidate_id
),

measured as (
    select
        *,
        cast(shared_contacts as double)
            / cast(customer_contacts + candidate_contacts - shared_contacts as double) as jaccard,
        cast(shared_contacts as double) / cast(candidate_contacts as double) as overlap,
        cast(shared_contacts as double)
            / cast(customer_contacts + candidate_contacts - shared_contacts as double)
            * (1e0 + $owner_shift_weight * (candidate_late - customer_late)) as owner_score
    from pairs
),

-- per candidate, the best and the second best owner_score of the customers sharing >= 2
-- of its contacts
ranked as (
    select
        *,
        row_number() over (partition by candidate_id order by owner_score desc, customer_id) as score_rank
    from measured
),

rivals as (
    select
        *,
        max(case when score_rank = 1 then owner_score end) over (partition by candidate_id) as best_score,
        max(case when score_rank = 2 then owner_score end) over (partition by candidate_id) as second_score
    from ranked
),

final as (
    select
        customer_id,
        candidate_id,
        candidate_is_customer,
        shared_contacts,
        customer_contacts,
        candidate_contacts,
        jaccard,
        overlap,
        adamic_adar,
        customer_late,
        candidate_late,
        customer_z,
        candidate_z,
        owner_score,
        case when score_rank = 1 then coalesce(second_score, 0e0) else best_score end as rival_score
    from rivals
    where shared_contacts >= $min_shared and (candidate_z >= $min_growth_z or customer_z <= -$min_growth_z)
)

select * from final
