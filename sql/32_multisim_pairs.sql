-- Multi-SIM candidates: for each customer, the other numbers (off-net ones, and other
-- customers) whose contacts are largely the customer's own. Two nodes share a contact
-- when one customer's CDR (the middle's) holds both as peers; a node's contacts are the
-- customers who have it as a peer (its degree), so an off-net number, seen only through
-- our customers, is compared with the same kind of set as a customer.
-- jaccard = shared / (customer_degree + candidate_degree - shared); overlap = shared /
-- candidate_degree (the share of the candidate's contacts that are the customer's: a
-- second phone calls the owner's circle and little else); adamic_adar = sum over the
-- shared contacts of 1 / ln(their contacts), so that a contact with few others counts more.
-- Only pairs with at least $min_shared shared contacts are kept (the listing and the
-- multisim_score indicator use them; the flag applies $min_jaccard and $min_overlap).
-- grain: one row per customer_id x candidate_id.
-- params: $min_shared (BIGINT); reads graph_edges (31_graph_edges.sql).
create or replace temp table multisim_pairs as
with customer_side as (
    select
        middle_id,
        peer_id,
        middle_contacts,
        peer_degree
    from graph_edges
    where is_customer and peer_degree >= $min_shared
),

candidate_side as (
    select
        middle_id,
        peer_id,
        peer_degree,
        is_customer
    from graph_edges
    where peer_degree >= $min_shared
),

pairs as (
    select
        a.peer_id as customer_id,
        x.peer_id as candidate_id,
        count(*) as shared_contacts,
        sum(1e0 / ln(greatest(a.middle_contacts, 2))) as adamic_adar,
        max(a.peer_degree) as customer_contacts,
        max(x.peer_degree) as candidate_contacts,
        bool_or(x.is_customer) as candidate_is_customer
    from customer_side as a
    inner join candidate_side as x on x.middle_id = a.middle_id and x.peer_id <> a.peer_id
    group by a.peer_id, x.peer_id
    having count(*) >= $min_shared
),

final as (
    select
        customer_id,
        candidate_id,
        candidate_is_customer,
        shared_contacts,
        customer_contacts,
        candidate_contacts,
        cast(shared_contacts as double)
            / cast(customer_contacts + candidate_contacts - shared_contacts as double) as jaccard,
        cast(shared_contacts as double) / cast(candidate_contacts as double) as overlap,
        adamic_adar
    from pairs
)

select * from final
order by customer_id, candidate_id
