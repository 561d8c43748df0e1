-- Audit: empty required values of customers and billing (none = pass): the required
-- columns of segment.schema.TABLES (tests/test_sql_lists.py holds the lists to it); an
-- empty brand is blank text too. cdr's are counted by 22_cdr_summary.sql.
-- grain: one row per table and required column with empty values, ordered by both.
-- params: none.
with customers as (
    select
        count(*) filter (where customer_id is null) as customer_id,
        count(*) filter (where brand is null or trim(brand) = '') as brand,
        count(*) filter (where activation_date is null) as activation_date
    from stg_customers
),

billing as (
    select
        count(*) filter (where customer_id is null) as customer_id,
        count(*) filter (where bill_month is null) as bill_month,
        count(*) filter (where total_fee is null) as total_fee
    from stg_billing
),

final as (
    select 'customers' as table_name, column_name, empty_rows
    from customers unpivot (empty_rows for column_name in (customer_id, brand, activation_date))
    union all
    select 'billing' as table_name, column_name, empty_rows
    from billing unpivot (empty_rows for column_name in (customer_id, bill_month, total_fee))
)

select * from final
where empty_rows > 0
order by table_name, column_name
