-- Audit: billing rows with an empty required column (none = pass).
-- grain: one row per required column with empty values.
-- params: none.
with counts as (
    select
        count(*) filter (where customer_id is null) as customer_id,
        count(*) filter (where bill_month is null) as bill_month,
        count(*) filter (where total_fee is null) as total_fee
    from stg_billing
),

final as (
    select column_name, empty_rows
    from counts
    unpivot (empty_rows for column_name in (customer_id, bill_month, total_fee))
    where empty_rows > 0
)

select * from final
order by column_name
