-- Audit: customer_id values that appear more than once in customers (none = pass).
-- grain: one row per duplicated customer_id.
-- params: none.
select
    customer_id,
    count(*) as copies
from stg_customers
group by customer_id
having count(*) > 1
order by customer_id
