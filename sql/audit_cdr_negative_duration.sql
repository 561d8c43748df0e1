-- Audit: CDR rows with a negative duration (none = pass).
-- grain: one row per offending event, first few by customer and time.
-- params: none.
select
    customer_id,
    start_time,
    duration_s
from stg_cdr
where duration_s < 0
order by customer_id, start_time, duration_s
limit 5
