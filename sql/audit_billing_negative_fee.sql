-- Audit: negative amounts in the fee columns of billing (none = pass).
-- grain: one row per fee column holding a negative amount: how many bills, and the
--        first offending bill by customer_id, bill_month.
-- params: none.
with fees as (
    select
        customer_id,
        bill_month,
        column_name,
        amount
    from stg_billing
    unpivot (
        amount for column_name in (
            total_fee, package_fee, voice_fee, sms_fee, data_fee, vas_fee, roaming_fee, discount, arrears
        )
    )
),

negative as (
    select
        customer_id,
        bill_month,
        column_name,
        amount,
        count(*) over (partition by column_name) as bills,
        row_number() over (partition by column_name order by customer_id, bill_month, amount) as rank_in_column
    from fees
    where amount < 0
),

final as (
    select
        column_name,
        bills,
        customer_id,
        bill_month,
        amount
    from negative
    where rank_in_column = 1
)

select * from final
order by bills desc, column_name
