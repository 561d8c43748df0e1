-- Multi-SIM owners: the candidate pairs of 32_multisim_pairs.sql scored and flagged. A
-- second phone takes over its owner's circle: most of its contacts are the customer's
-- (overlap), the two sets are alike beyond chance (jaccard), the customer and it do not
-- call each other (direct), and its use moves to the later half of the window while the
-- customer's moves away (shift = the candidate's share of its events in the later half
-- minus the customer's; both counted as the peer of other customers' events, the only way
-- an off-net number is seen). A candidate belongs to one owner at most: the customer it
-- resembles most (owner_rank 1).
-- grain: one row per customer_id x candidate_id of multisim_pairs.
-- params: $start, $end (DATE, window = [start, end)); $late_from (DATE, first day of the
--   window's later half); $min_shared (BIGINT); $min_jaccard, $min_overlap, $min_shift (DOUBLE).
create or replace temp table multisim as
with nodes as (
    select customer_id as node_id from multisim_pairs
    union
    select candidate_id as node_id from multisim_pairs
),

seen as (
    select
        c.peer_id as node_id,
        count(*) as events,
        coalesce(sum(cast(c.start_time >= $late_from as integer)), 0) as events_late
    from stg_cdr as c
    inner join nodes as n on n.node_id = c.peer_id
    where c.start_time >= $start and c.start_time < $end
    group by c.peer_id
),

direct as (
    select distinct
        customer_id,
        peer_id
    from cdr_peer
),

scored as (
    select
        p.customer_id,
        p.candidate_id,
        p.candidate_is_customer,
        p.shared_contacts,
        p.customer_contacts,
        p.candidate_contacts,
        p.jaccard,
        p.overlap,
        p.adamic_adar,
        coalesce(cast(x.events_late as double) / cast(x.events as double), 0e0)
            - coalesce(cast(a.events_late as double) / cast(a.events as double), 0e0) as shift,
        d.customer_id is not null as direct
    from multisim_pairs as p
    left join seen as a on a.node_id = p.customer_id
    left join seen as x on x.node_id = p.candidate_id
    left join direct as d on d.customer_id = p.customer_id and d.peer_id = p.candidate_id
),

flagged as (
    select
        *,
        shared_contacts >= $min_shared
        and jaccard >= $min_jaccard
        and overlap >= $min_overlap
        and shift >= $min_shift
        and not direct as passes
    from scored
),

ranked as (
    select
        *,
        row_number() over (
            partition by candidate_id
            order by cast(passes as integer) desc, jaccard desc, shared_contacts desc, customer_id
        ) as owner_rank
    from flagged
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
        shift,
        direct,
        passes and owner_rank = 1 as multisim
    from ranked
)

select * from final
order by customer_id, candidate_id
