-- Multi-SIM owners: the candidate pairs of 32_multisim_pairs.sql scored and flagged. A
-- second phone takes over its owner's circle: much of what it calls is the customer's circle
-- (overlap, at least $min_overlap for a customer candidate, a line of ours with a life of its
-- own; $offnet_overlap for an off-net number, which may call people the owner does not: the
-- unique-owner test below keeps a circle's other members out), the two sets are alike beyond chance (jaccard), the customer and it do not
-- call each other (direct), and its use grows across the window while the customer's
-- does not (shift = candidate_late - customer_late; the growth tests are 32's). A candidate
-- growing only weakly (candidate_z below $clear_growth_z) needs jaccard >= $close_jaccard;
-- so does a candidate scored through a fading customer (candidate_z below $min_growth_z),
-- which also needs overlap >= $fading_overlap. Two customers whose lines were never open
-- at the same time (apart: one opened on or after the other left) are a re-entry
-- (35_reentry.sql), not a second phone; nor is a customer candidate whose line opened in
-- the window (opened): its use is late because it opened, which says nothing of
-- complementary use (a new line with a fading customer's circle is reentry's to judge). A
-- candidate belongs to one owner at most: the owner's owner_score must be the strict
-- maximum among the customers sharing at least 2 of its contacts (above rival_score), so
-- that a fading customer's many friends and the ring neighbours of a second phone's owner
-- are not listed; and an owner has one number at most (its best match: number_rank 1).
-- grain: one row per customer_id x candidate_id of multisim_pairs (no order: readers sort).
-- params: $start (DATE, the window's first day); $min_jaccard, $min_overlap, $offnet_overlap, $min_shift,
--   $min_growth_z, $clear_growth_z, $close_jaccard, $fading_overlap (DOUBLE); reads
--   multisim_pairs, cdr_peer and stg_customers.
create or replace temp table multisim as
with pair_keys as (
    select distinct
        cast(customer_id as varchar) as customer_id,
        candidate_id
    from multisim_pairs
),

-- the direct contacts among the scored pairs only (cdr_peer is one row per service)
direct as (
    select distinct
        k.customer_id,
        k.candidate_id
    from cdr_peer as c
    inner join pair_keys as k on k.candidate_id = c.peer_id and k.customer_id = cast(c.customer_id as varchar)
),

lines as (
    select
        cast(customer_id as varchar) as customer_id,
        activation_date,
        churn_date
    from stg_customers
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
        p.customer_late,
        p.candidate_late,
        p.candidate_z,
        p.owner_score,
        p.rival_score,
        d.customer_id is not null as direct,
        coalesce(lc.activation_date >= la.churn_date or la.activation_date >= lc.churn_date, false) as apart,
        coalesce(lc.activation_date >= $start, false) as opened
    from multisim_pairs as p
    left join lines as la on la.customer_id = cast(p.customer_id as varchar)
    left join lines as lc on lc.customer_id = cast(p.candidate_id as varchar)
    left join direct as d on d.customer_id = cast(p.customer_id as varchar) and d.candidate_id = p.candidate_id
),

flagged as (
    select
        *,
        candidate_late - customer_late as shift,
        jaccard >= $min_jaccard
        and overlap >= case when candidate_is_customer then $min_overlap else $offnet_overlap end
        and candidate_late - customer_late >= $min_shift
        and owner_score > rival_score
        and (candidate_z >= $clear_growth_z or jaccard >= $close_jaccard)
        and (candidate_z >= $min_growth_z or overlap >= $fading_overlap)
        and not direct
        and not apart
        and not opened as passes
    from scored
),

-- the owner's likeliest number (ties on jaccard go to the larger shift)
ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by cast(passes as integer) desc, jaccard desc, shift desc, shared_contacts desc, candidate_id
        ) as number_rank
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
        customer_late,
        candidate_late,
        shift,
        direct,
        passes and number_rank = 1 as multisim
    from ranked
)

select * from final
