-- Audit: billing rows with a negative amount in any fee column (none = pass).
-- grain: one row per offending bill.
-- params: none.
select
    customer_id,
    bill_month,
    total_fee,
    package_fee,
    voice_fee,
    sms_fee,
    data_fee,
    vas_fee,
    roaming_fee,
    discount,
    arrears
from stg_billing
where
    total_fee < 0 or package_fee < 0 or voice_fee < 0 or sms_fee < 0 or data_fee < 0
    or vas_fee < 0 or roaming_fee < 0 or discount < 0 or arrears < 0
order by customer_id, bill_month
