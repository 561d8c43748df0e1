-- Months present in billing and how many bills each holds.
-- grain: one row per bill month (first day of the month), ascending.
-- params: none.
select
    bill_month,
    count(*) as bills
from stg_billing
where bill_month is not null
group by bill_month
order by bill_month
