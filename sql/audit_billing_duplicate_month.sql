-- Audit: customers billed more than once for the same month (none = pass).
-- grain: one row per customer_id x bill_month billed more than once.
-- params: none.
select
    customer_id,
    bill_month,
    count(*) as bills
from stg_billing
group by customer_id, bill_month
having count(*) > 1
order by customer_id, bill_month
