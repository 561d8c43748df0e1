-- Audit: rows of billing, interactions and recharges in the window whose customer_id is
-- not in customers (CDR rows are counted by 22_cdr_summary.sql), so that no table is
-- joined to customers silently: ids written differently (1.0 for 1, a prefix, a stray
-- quote) match nothing and would drop every row.
-- grain: one row per table and example: the table's counts (rows of the window, rows and
--   distinct ids unknown) and up to three unknown ids, smallest first (example_rank 1..3;
--   none: example_rank and example are null).
-- params: $start, $end (DATE, window = [start, end)); reads service_contacts (24).
with known as (
    select distinct customer_id
    from stg_customers
    where customer_id is not null
),

-- rows per table and customer first (joining a few hundred thousand ids to customers
-- rather than every row); the interactions are counted so already by 24_service_contacts
per_customer as (
    select 'billing' as table_name, customer_id, count(*) as id_rows
    from stg_billing
    where bill_month >= $start and bill_month < $end
    group by customer_id
    union all
    select 'interactions' as table_name, customer_id, contacts as id_rows
    from service_contacts
    union all
    select 'recharges' as table_name, customer_id, count(*) as id_rows
    from stg_recharges
    where recharge_time >= $start and recharge_time < $end
    group by customer_id
),

flagged as (
    select
        r.table_name,
        r.customer_id,
        r.id_rows,
        r.customer_id is not null and k.customer_id is null as unknown
    from per_customer as r
    left join known as k on k.customer_id = r.customer_id
),

counts as (
    select
        table_name,
        sum(id_rows) as rows_in_window,
        coalesce(sum(id_rows) filter (where unknown), 0) as rows_unknown,
        count(*) filter (where unknown) as unknown_customers
    from flagged
    group by table_name
),

unknown_ids as (
    select
        table_name,
        customer_id,
        row_number() over (partition by table_name order by customer_id) as example_rank
    from flagged
    where unknown
),

final as (
    select
        c.table_name,
        c.rows_in_window,
        c.rows_unknown,
        c.unknown_customers,
        u.example_rank,
        u.customer_id as example
    from counts as c
    left join unknown_ids as u on u.table_name = c.table_name and u.example_rank <= 3
)

select * from final
order by table_name, example_rank
