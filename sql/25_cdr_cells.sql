-- Events per customer and serving cell inside the window: the first level of the mobility
-- indicators (distinct cells, entropy, the most frequent cell, home, cells per day; see
-- 26_mobility.sql), as 21_cdr_peer.sql is for the social circle.
-- Only rows with a cell and a service of the list count (an unknown service stages as NULL,
-- as in the readers of cdr_usage).
-- grain: one row per customer_id x cell_id x block, a block being 126 days of the window
--   counted from its first day (as in 20_cdr_usage.sql: a window of up to four months is one
--   block).
-- params: $start, $end (DATE: the window is start <= start_time < end); $night_start_s,
--   $night_end_s (seconds since midnight: an event is nocturnal unless night_start_s < its
--   time of day < night_end_s).
-- day_mask_lo / day_mask_hi: bit d set when the pair has an event on day 126 x block + d
-- (d < 63), or 126 x block + 63 + d, of the window, as in 20_cdr_usage.sql.
create or replace temp table cdr_cells as
with stamped as (
    select
        customer_id,
        cell_id,
        cast(cast(start_time as date) - cast($start as date) as integer) as window_day,
        hour(start_time) * 3600 + minute(start_time) * 60 + second(start_time) as time_of_day
    from stg_cdr
    where
        start_time >= $start
        and start_time < $end
        and cell_id is not null
        and service is not null
),

events as (
    select
        customer_id,
        cell_id,
        time_of_day,
        cast(floor(window_day / 126) as integer) as block,
        window_day % 126 as block_day
    from stamped
),

final as (
    select
        customer_id,
        cell_id,
        block,
        count(*) as events,
        cast(coalesce(sum(cast(
            not (time_of_day > $night_start_s and time_of_day < $night_end_s)
            as integer)), 0) as bigint) as events_night,
        bit_or(case when block_day < 63 then cast(1 as bigint) << block_day else 0 end) as day_mask_lo,
        bit_or(case when block_day >= 63 then cast(1 as bigint) << (block_day - 63) else 0 end) as day_mask_hi
    from events
    group by customer_id, cell_id, block
)

select * from final
