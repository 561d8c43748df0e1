-- Re-entry: new lines whose contacts are those of a line that left shortly before they
-- opened (a churned customer back under a new number, often through a dealer collecting
-- new-customer commissions). Both are our customers, so each line's contacts are the peers
-- in its own CDR (graph_edges with the line as the middle, with its degree caps): on-net
-- and off-net ones alike, so a family member on another network, or a number nobody else
-- of ours calls, is shared evidence too. Two lines share a contact when both CDRs hold it;
-- the new line's contacts are those of the window, its first ones since it opened in it.
-- A pair qualifies when the new line opened 0..$max_gap_days days after the old line's
-- churn_date, they share at least $min_shared contacts, jaccard >= $min_jaccard and
-- overlap (shared / the new line's contacts) >= $min_overlap; adamic_adar (the shared
-- contacts weighted by 1 / ln of how many of our customers call them, so that a contact
-- only the two lines call counts most) ranks the pairs: each new line is matched to the
-- old line it resembles most, and each old line to one new line.
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
        e.middle_contacts,
        e.peer_degree
    from graph_edges as e
    inner join new_lines as n on cast(n.customer_id as varchar) = cast(e.middle_id as varchar)
),

old_side as (
    select
        e.middle_id,
        e.peer_id,
        e.middle_contacts
    from graph_edges as e
    inner join old_lines as o on cast(o.customer_id as varchar) = cast(e.middle_id as varchar)
),

pairs as (
    select
        n.middle_id as customer_id,
        o.middle_id as old_customer_id,
        count(*) as shared_contacts,
        -- summed as integers (1e-15 units): a sum of doubles depends on the order the engine
        -- adds them in, and the output must not
        cast(sum(cast(round_even(1e15 / ln(greatest(n.peer_degree, 2)), 0) as decimal(38, 0))) as double)
            / 1e15 as adamic_adar,
        max(n.middle_contacts) as new_contacts,
        max(o.middle_contacts) as old_contacts
    from new_side as n
    inner join old_side as o on o.peer_id = n.peer_id and o.middle_id <> n.middle_id
    group by n.middle_id, o.middle_id
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
        p.adamic_adar,
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
        row_number() over (partition by customer_id order by adamic_adar desc, jaccard desc, old_customer_id)
            as new_rank,
        row_number() over (partition by old_customer_id order by adamic_adar desc, jaccard desc, customer_id)
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
        adamic_adar,
        new_contacts,
        old_contacts,
        jaccard,
        overlap
    from qualified
    where new_rank = 1 and old_rank = 1
)

select * from final
order by customer_id
