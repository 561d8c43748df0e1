-- Audit: exact duplicate rows of recharges and interactions in the window: rows equal in
-- every column of the contract to another row (the same top-up, or the same contact, to
-- the second, twice: an export that repeats rows). Copies beyond the first are counted.
-- grain: one row per table with duplicates (recharges, interactions): duplicate_rows and
--   an example (the customer and the time of the duplicated row with the smallest key).
-- params: $start, $end (DATE, window = [start, end)).
with repeated as (
    select 'recharges' as table_name, 1 as position, customer_id, recharge_time as event_time, count(*) as copies
    from stg_recharges
    where recharge_time >= $start and recharge_time < $end
    group by customer_id, recharge_time, amount
    having count(*) > 1
    union all
    select 'interactions', 2, customer_id, contact_time, count(*)
    from stg_interactions
    where contact_time >= $start and contact_time < $end
    group by customer_id, contact_time, channel, purpose
    having count(*) > 1
),

ranked as (
    select
        table_name,
        position,
        customer_id,
        event_time,
        copies,
        row_number() over (partition by table_name order by customer_id, event_time) as rank_in_table
    from repeated
),

final as (
    select
        table_name,
        position,
        sum(copies - 1) as duplicate_rows,
        min(case when rank_in_table = 1 then customer_id end) as example_customer,
        min(case when rank_in_table = 1 then event_time end) as example_time
    from ranked
    group by table_name, position
)

select
    table_name,
    duplicate_rows,
    example_customer,
    example_time
from final
order by position
