-- Audit: text that usually stands for "no value" (NULL, \N, NA ...: the table null_like,
-- filled by the caller with quality.null_like less [input] null_values) found as a value
-- of a free-text column: customers' brand, plan_id and group_id, and the peers of the
-- window's calls and SMS (cdr_peer). Read as values, they make a brand called NULL, an
-- enterprise group everyone without one belongs to, a contact everyone calls.
-- grain: one row per table, column and value found, in contract order.
-- params: $peer_is_text (BOOLEAN: peer_id is staged as text; an integer peer holds no such text).
with seen as (
    select 'customers' as table_name, 'brand' as column_name, 1 as position, brand as value, count(*) as value_rows
    from stg_customers
    where brand in (select value from null_like)
    group by brand
    union all
    select 'customers', 'plan_id', 2, plan_id, count(*)
    from stg_customers
    where plan_id in (select value from null_like)
    group by plan_id
    union all
    select 'customers', 'group_id', 3, group_id, count(*)
    from stg_customers
    where group_id in (select value from null_like)
    group by group_id
    union all
    select 'cdr', 'peer_id', 4, cast(peer_id as varchar), sum(events)
    from cdr_peer
    where $peer_is_text and cast(peer_id as varchar) in (select value from null_like)
    group by cast(peer_id as varchar)
)

select
    table_name,
    column_name,
    value,
    value_rows
from seen
order by position, value_rows desc, value
