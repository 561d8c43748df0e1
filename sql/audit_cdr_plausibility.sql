-- Audit: what the plausibility candidates of 22_cdr_summary.sql need confirmed, over the
-- window's rows: events at exactly midnight (every one: a date column given as the start
-- time), and the distinct data volumes and charges (one throughout: a constant column
-- mapped). Run only when a candidate fired (every event at night, every customer with the
-- same mean volume or charge), so a clean extract never pays for it.
-- grain: one row.
-- params: $start, $end (DATE, window = [start, end)).
select
    count(*) filter (where start_time = cast(cast(start_time as date) as timestamp)) as events_midnight,
    count(volume_kb) filter (where service = 'data') as data_volumes,
    count(distinct volume_kb) filter (where service = 'data') as data_volume_values,
    min(volume_kb) filter (where service = 'data') as data_volume_min,
    count(charge) as charges,
    count(distinct charge) as charge_values,
    min(charge) as charge_min
from stg_cdr
where start_time >= $start and start_time < $end
