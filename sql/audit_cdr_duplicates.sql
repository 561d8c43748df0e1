-- Audit: exact duplicate CDR rows of the window: rows equal in every column of the
-- contract to another row (a part delivered twice under another name, an export that
-- repeats rows). Each copy beyond the first is counted as a duplicate.
-- grain: one row: duplicate_rows (copies beyond the first), and an example: the customer,
--   the start time and the copies of the duplicated row with the smallest key (nulls
--   when there is none).
-- params: $start, $end (DATE, window = [start, end)).
-- It costs a hash table of every row of the window, so features runs it up to
-- quality.duplicate_check_max_rows rows (and always under --fail-on duplicate-events).
with repeated as (
    select
        customer_id,
        start_time,
        count(*) as copies
    from stg_cdr
    where start_time >= $start and start_time < $end
    group by
        customer_id, start_time, service, direction, peer_id, peer_network, duration_s, volume_kb, charge,
        roaming, cell_id
    having count(*) > 1
),

example as (
    select
        customer_id,
        start_time,
        copies
    from repeated
    order by customer_id, start_time, copies desc
    limit 1
),

totals as (
    select coalesce(sum(copies - 1), 0) as duplicate_rows
    from repeated
),

final as (
    select
        t.duplicate_rows,
        e.customer_id,
        e.start_time,
        e.copies
    from totals as t
    left join example as e on true
)

select * from final
