-- Usage per customer and service over the CDR rows of the window only (rows outside it,
-- undated rows and negative durations are counted by 22_cdr_summary.sql straight from
-- stg_cdr, which Parquet min/max and null statistics make almost free).
-- grain: one row per customer_id x service x block, a block being 126 days of the window
--   counted from its first day: a window of up to four months is one block.
-- params: $start, $end (DATE: the window is start <= start_time < end); $last_month (DATE,
--   first day of the window's last month); $night_start_s, $night_end_s (seconds since
--   midnight: an event is nocturnal unless night_start_s < its time of day < night_end_s,
--   the time of day counted in whole seconds); $long_call_s (seconds).
-- The four day-parts are the hours 00-06, 06-12, 12-18 and 18-24 (events_00_06 .. events_12_18;
-- the last is events minus the three). month_index is the event's month counted from the
-- window's first (0, 1, ...): the sums weighted by it (events_month_sum, duration_month_sum,
-- volume_month_sum) give the least-squares slopes of the monthly totals in 40_features.sql
-- without the month in the grain, and *_first / *_last the first and last months' totals.
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
-- about 10% faster here, this being the largest aggregate of the pipeline; conditional
-- sums likewise as sum(x * cast(<condition> as integer)) (NULL when no row has an x).
-- codes_unknown, the check of the coded columns, rides on this scan: staging gives
-- direction, peer_network and roaming as the list's type (NULL outside the list) and their
-- values as given in given_<column>; it counts the values given that are not in the list
-- (22_cdr_summary.sql adds them up; audit_cdr_codes.sql, only when some are found, says which).
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
        start_time,
        given_direction,
        given_peer_network,
        given_roaming
    from stg_cdr
    where start_time >= $start and start_time < $end
),

events as (
    select
        *,
        cast(floor(window_day / 126) as integer) as block,
        window_day % 126 as block_day,
        hour(start_time) * 3600 + minute(start_time) * 60 + second(start_time) as time_of_day,
        cast(event_date - date '1900-01-01' as integer) % 7 as day_of_week,
        (year(event_date) - year(cast($start as date))) * 12 + month(event_date) - month(cast($start as date))
            as month_index
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
        cast(coalesce(sum(cast(time_of_day < 21600 as integer)), 0) as bigint) as events_00_06,
        cast(coalesce(sum(cast(time_of_day >= 21600 and time_of_day < 43200 as integer)), 0) as bigint)
            as events_06_12,
        cast(coalesce(sum(cast(time_of_day >= 43200 and time_of_day < 64800 as integer)), 0) as bigint)
            as events_12_18,
        cast(coalesce(sum(cast(month_index = 0 as integer)), 0) as bigint) as events_first,
        cast(coalesce(sum(month_index), 0) as bigint) as events_month_sum,
        cast(coalesce(sum(cast(peer_network = 'onnet' as integer)), 0) as bigint) as events_onnet,
        cast(coalesce(sum(cast(roaming = 'domestic' as integer)), 0) as bigint) as events_roaming_domestic,
        cast(coalesce(sum(cast(roaming = 'international' as integer)), 0) as bigint) as events_roaming_international,
        cast(coalesce(sum(cast(duration_s >= $long_call_s as integer)), 0) as bigint) as calls_long,
        count(duration_s) as durations,
        sum(duration_s) as duration_sum,
        sum(duration_s * duration_s) as duration_sq_sum,
        sum(duration_s) filter (where direction = 'out') as duration_out,
        sum(duration_s) filter (where direction = 'in') as duration_in,
        sum(duration_s * cast(peer_network = 'onnet' as integer)) as duration_onnet,
        sum(duration_s * cast(peer_network = 'offnet' as integer)) as duration_offnet,
        sum(duration_s * cast(month_index = 0 as integer)) as duration_first,
        sum(duration_s * cast(start_time >= $last_month as integer)) as duration_last,
        sum(month_index * duration_s) as duration_month_sum,
        sum(volume_kb) as volume_kb,
        sum(volume_kb * cast(month_index = 0 as integer)) as volume_first,
        sum(volume_kb * cast(start_time >= $last_month as integer)) as volume_last,
        sum(month_index * volume_kb) as volume_month_sum,
        sum(charge) as charge,
        min(start_time) as first_event,
        max(start_time) as last_event,
        bit_or(case when block_day < 63 then cast(1 as bigint) << block_day else 0 end) as day_mask_lo,
        bit_or(case when block_day >= 63 then cast(1 as bigint) << (block_day - 63) else 0 end) as day_mask_hi,
        cast(coalesce(sum(
            cast(given_direction is not null and direction is null as integer)
            + cast(given_peer_network is not null and peer_network is null as integer)
            + cast(given_roaming is not null and roaming is null as integer)), 0) as bigint) as codes_unknown
    from events
    group by customer_id, service, block
)

select * from final
