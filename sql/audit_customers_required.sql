-- Audit: customers rows with an empty required column (none = pass).
-- grain: one row per required column with empty values.
-- params: none.
with counts as (
    select
        count(*) filter (where customer_id is null) as customer_id,
        count(*) filter (where brand is null or trim(brand) = '') as brand,
        count(*) filter (where activation_date is null) as activation_date
    from stg_customers
),

final as (
    select column_name, empty_rows
    from counts
    unpivot (empty_rows for column_name in (customer_id, brand, activation_date))
    where empty_rows > 0
)

select * from final
order by column_name
