-- Usage per customer and service over the CDR rows of the window only (rows outside it,
-- undated rows and negative durations are counted by 22_cdr_summary.sql straight from
-- stg_cdr, which Parquet min/max and null statistics make almost free).
-- grain: one row per customer_id x service x block, a block being 126 days of the window
--   counted from its first day: a window of up to four months is one block.
-- params: $start, $end (DATE: the window is start <= start_time < end); $last_month (DATE,
--   first day of the window's last month); $night_start_s, $night_end_s (seconds since
--   midnight: an event is nocturnal unless night_start_s < its time of day < night_end_s,
--   the time of day counted in whole seconds); $long_call_s (seconds).
-- The window's calendar is kept in columns rather than in the grain: events_last (the
-- events of the last month) and two day masks, day_mask_lo (bit d set: an event on day
-- 126 x block + d of the window, d < 63) and day_mask_hi (the same for day 126 x block + 63
-- + d), from which readers count active days and the months with an event. A key with
-- the month in it made the hash table three times larger and the stage ~20% dearer.
-- The masks are BIGINT with 63 days each (no sign bit used): Spark has no 128-bit integer.
-- day_of_week is 0 on Mondays, counted from Monday 1900-01-01 (isodow, dayofweek and weekday are
-- not portable: each engine numbers the days its own way).
-- Sums are over integers and DECIMAL, so they are exact and do not depend on the
-- order in which threads merge partial results.
-- Conditional counts are written coalesce(sum(cast(<condition> as integer)), 0): the
-- same number as count(*) filter (where <condition>), but DuckDB 2.0 computes it
-- about 10% faster here, this being the largest aggregate of the pipeline.
create or replace temp table cdr_usage as
with stamped as (
    select
        customer_id,
        cast(cast(start_time as date) - cast($start as date) as integer) as window_day,
        cast(start_time as date) as event_date,
        service,
        direction,
        peer_network,
        roaming,
        duration_s,
        volume_kb,
        charge,
        start_time
    from stg_cdr
    where start_time >= $start and start_time < $end
),

events as (
    select
        *,
        cast(floor(window_day / 126) as integer) as block,
        window_day % 126 as block_day,
        hour(start_time) * 3600 + minute(start_time) * 60 + second(start_time) as time_of_day,
        cast(event_date - date '1900-01-01' as integer) % 7 as day_of_week
    from stamped
),

final as (
    select
        customer_id,
        service,
        block,
        count(*) as events,
        cast(coalesce(sum(cast(start_time >= $last_month as integer)), 0) as bigint) as events_last,
        cast(coalesce(sum(cast(direction = 'out' as integer)), 0) as bigint) as events_out,
        cast(coalesce(sum(cast(direction = 'in' as integer)), 0) as bigint) as events_in,
        cast(coalesce(sum(cast(
            not (time_of_day > $night_start_s and time_of_day < $night_end_s)
            as integer)), 0) as bigint) as events_night,
        cast(coalesce(sum(cast(day_of_week >= 5 as integer)), 0) as bigint) as events_weekend,
        cast(coalesce(sum(cast(peer_network = 'onnet' as integer)), 0) as bigint) as events_onnet,
        cast(coalesce(sum(cast(roaming = 'domestic' as integer)), 0) as bigint) as events_roaming_domestic,
        cast(coalesce(sum(cast(roaming = 'international' as integer)), 0) as bigint) as events_roaming_international,
        cast(coalesce(sum(cast(duration_s >= $long_call_s as integer)), 0) as bigint) as calls_long,
        count(duration_s) as durations,
        sum(duration_s) as duration_sum,
        sum(duration_s * duration_s) as duration_sq_sum,
        sum(duration_s) filter (where direction = 'out') as duration_out,
        sum(duration_s) filter (where direction = 'in') as duration_in,
        sum(volume_kb) as volume_kb,
        sum(charge) as charge,
        min(start_time) as first_event,
        max(start_time) as last_event,
        bit_or(case when block_day < 63 then cast(1 as bigint) << block_day else 0 end) as day_mask_lo,
        bit_or(case when block_day >= 63 then cast(1 as bigint) << (block_day - 63) else 0 end) as day_mask_hi
    from events
    group by customer_id, service, block
)

select * from final
