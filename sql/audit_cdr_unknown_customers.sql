-- Audit: the first customer ids of the window's CDR rows that are not in customers (none =
-- pass); 22_cdr_summary.sql counts them all.
-- grain: one row per unknown customer_id, the first three by id.
-- params: none (the window is that of cdr_usage).
select distinct m.customer_id
from cdr_usage as m
left join (select distinct customer_id from stg_customers) as c on c.customer_id = m.customer_id
where m.customer_id is not null and c.customer_id is null
order by m.customer_id
limit 3
