-- Usage per customer, month and service, over the CDR rows of the window only (rows
-- outside it, undated rows and negative durations are counted by 22_cdr_summary.sql
-- straight from stg_cdr, which Parquet min/max and null statistics make almost free).
-- grain: one row per customer_id x month x service.
-- params: $start, $end (DATE: the window is start <= start_time < end);
--   $night_start, $night_end (TIME as text: an event is nocturnal unless
--   night_start < time of day < night_end), $long_call_s (seconds).
-- Sums are over integers and DECIMAL, so they are exact and do not depend on the
-- order in which threads merge partial results.
create or replace temp table cdr_month as
with events as (
    select
        customer_id,
        cast(date_trunc('month', start_time) as date) as month,
        service,
        direction,
        peer_network,
        roaming,
        duration_s,
        volume_kb,
        charge,
        start_time,
        cast(start_time as time) as time_of_day
    from stg_cdr
    where start_time >= $start and start_time < $end
),

final as (
    select
        customer_id,
        month,
        service,
        count(*) as events,
        count(*) filter (where direction = 'out') as events_out,
        count(*) filter (where direction = 'in') as events_in,
        count(*) filter (
            where not (time_of_day > cast($night_start as time) and time_of_day < cast($night_end as time))
        ) as events_night,
        count(*) filter (where isodow(start_time) >= 6) as events_weekend,
        count(*) filter (where peer_network = 'onnet') as events_onnet,
        count(*) filter (where roaming = 'domestic') as events_roaming_domestic,
        count(*) filter (where roaming = 'international') as events_roaming_international,
        count(*) filter (where duration_s >= $long_call_s) as calls_long,
        count(duration_s) as durations,
        sum(duration_s) as duration_sum,
        sum(duration_s * duration_s) as duration_sq_sum,
        sum(duration_s) filter (where direction = 'out') as duration_out,
        sum(duration_s) filter (where direction = 'in') as duration_in,
        sum(volume_kb) as volume_kb,
        sum(charge) as charge,
        min(start_time) as first_event,
        max(start_time) as last_event,
        bit_or(cast(1 as bigint) << (day(start_time) - 1)) as day_mask
    from events
    group by customer_id, month, service
)

select * from final
