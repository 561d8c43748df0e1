-- Re-entry: new lines whose contacts are those of a line that left shortly before they
-- opened (a churned customer back under a new number, often through a dealer collecting
-- new-customer commissions). The same machinery as multi-SIM: two lines share a contact
-- when one customer's CDR holds both as peers (graph_edges, with its degree caps); the
-- new line's contacts are those of the window, its first ones since it opened in it.
-- A pair qualifies when the new line opened 0..$max_gap_days days after the old line's
-- churn_date, they share at least $min_shared contacts, jaccard >= $min_jaccard and
-- overlap (shared / the new line's contacts) >= $min_overlap; each new line is matched to
-- the old line it resembles most, and each old line to one new line.
-- grain: one row per qualifying new line (customer_id).
-- params: $start, $end (DATE, window = [start, end)); $max_gap_days, $min_shared (BIGINT);
--   $min_jaccard, $min_overlap (DOUBLE); reads graph_edges (31_graph_edges.sql).
with new_lines as (
    select
        customer_id,
        brand,
        activation_date,
        dealer_id
    from stg_customers
    where activation_date >= $start and activation_date < $end
),

old_lines as (
    select
        customer_id,
        brand,
        churn_date
    from stg_customers
    where churn_date is not null and churn_date < $end
),

new_side as (
    select
        e.middle_id,
        e.peer_id,
        e.peer_degree
    from graph_edges as e
    inner join new_lines as n on cast(n.customer_id as varchar) = cast(e.peer_id as varchar)
),

old_side as (
    select
        e.middle_id,
        e.peer_id,
        e.peer_degree
    from graph_edges as e
    inner join old_lines as o on cast(o.customer_id as varchar) = cast(e.peer_id as varchar)
),

pairs as (
    select
        n.peer_id as customer_id,
        o.peer_id as old_customer_id,
        count(*) as shared_contacts,
        max(n.peer_degree) as new_contacts,
        max(o.peer_degree) as old_contacts
    from new_side as n
    inner join old_side as o on o.middle_id = n.middle_id and o.peer_id <> n.peer_id
    group by n.peer_id, o.peer_id
    having count(*) >= $min_shared
),

scored as (
    select
        p.customer_id,
        p.old_customer_id,
        n.brand,
        o.brand as old_brand,
        n.activation_date,
        o.churn_date as old_churn_date,
        cast(n.activation_date - o.churn_date as integer) as gap_days,
        n.dealer_id,
        p.shared_contacts,
        p.new_contacts,
        p.old_contacts,
        cast(p.shared_contacts as double)
            / cast(p.new_contacts + p.old_contacts - p.shared_contacts as double) as jaccard,
        cast(p.shared_contacts as double) / cast(p.new_contacts as double) as overlap
    from pairs as p
    inner join new_lines as n on cast(n.customer_id as varchar) = cast(p.customer_id as varchar)
    inner join old_lines as o on cast(o.customer_id as varchar) = cast(p.old_customer_id as varchar)
),

qualified as (
    select
        *,
        row_number() over (partition by customer_id order by jaccard desc, shared_contacts desc, old_customer_id)
            as new_rank,
        row_number() over (partition by old_customer_id order by jaccard desc, shared_contacts desc, customer_id)
            as old_rank
    from scored
    where
        gap_days >= 0
        and gap_days <= $max_gap_days
        and jaccard >= $min_jaccard
        and overlap >= $min_overlap
),

final as (
    select
        customer_id,
        old_customer_id,
        brand,
        old_brand,
        activation_date,
        old_churn_date,
        gap_days,
        dealer_id,
        shared_contacts,
        new_contacts,
        old_contacts,
        jaccard,
        overlap
    from qualified
    where new_rank = 1 and old_rank = 1
)

select * from final
order by customer_id
