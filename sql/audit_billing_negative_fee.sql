-- Audit: negative amounts in the fee columns of billing (none = pass).
-- grain: one row per fee column holding a negative amount: how many bills, and the
--        first offending bill by customer_id, bill_month.
-- params: none.
-- Bills with any negative amount are picked first: unpivoting every bill would make
-- nine rows of each one only to keep almost none.
with negative_bills as (
    select *
    from stg_billing
    where total_fee < 0 or package_fee < 0 or voice_fee < 0 or sms_fee < 0 or data_fee < 0
        or vas_fee < 0 or roaming_fee < 0 or discount < 0 or arrears < 0
),

fees as (
    select
        customer_id,
        bill_month,
        column_name,
        amount
    from negative_bills
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
