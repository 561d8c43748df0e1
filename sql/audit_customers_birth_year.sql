-- Audit: birth years outside a plausible range (an age or another column mapped as the
-- birth year shows itself so): how many values, how many outside, the first outside one.
-- grain: one row.
-- params: $first, $last (INTEGER: the plausible range, both included).
select
    count(birth_year) as birth_years,
    count(birth_year) filter (where birth_year < $first or birth_year > $last) as outside,
    min(birth_year) filter (where birth_year < $first or birth_year > $last) as example
from stg_customers
