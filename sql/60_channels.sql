-- Channel preference: each customer's contacts per channel in the window, their shares and
-- the preferred channel, for every customer of the window (table window_customers, from
-- 50_window_customers.sql); customers without contacts have contacts = 0.
-- grain: one row per customer_id, ordered by customer_id.
-- params: $start, $end (DATE, window = [start, end)); $min_contacts (fewer contacts on
--   the seven known channels: preferred_channel = 'none').
-- Ties for the largest share go to the first channel in the fixed order hall, hotline,
-- ivr, web, sms, wap, kiosk. Contacts on any other channel value are counted apart
-- (other_contacts) and not in the shares.
with customers as (
    select
        customer_id,
        brand
    from window_customers
),

counts as (
    select
        customer_id,
        count(*) filter (where channel = 'hall') as hall,
        count(*) filter (where channel = 'hotline') as hotline,
        count(*) filter (where channel = 'ivr') as ivr,
        count(*) filter (where channel = 'web') as web,
        count(*) filter (where channel = 'sms') as sms,
        count(*) filter (where channel = 'wap') as wap,
        count(*) filter (where channel = 'kiosk') as kiosk,
        count(*) filter (
            where channel is null or channel not in ('hall', 'hotline', 'ivr', 'web', 'sms', 'wap', 'kiosk')
        ) as other_contacts
    from stg_interactions
    where contact_time >= $start and contact_time < $end
    group by customer_id
),

joined as (
    select
        c.customer_id,
        c.brand,
        coalesce(k.hall, 0) as hall,
        coalesce(k.hotline, 0) as hotline,
        coalesce(k.ivr, 0) as ivr,
        coalesce(k.web, 0) as web,
        coalesce(k.sms, 0) as sms,
        coalesce(k.wap, 0) as wap,
        coalesce(k.kiosk, 0) as kiosk,
        coalesce(k.other_contacts, 0) as other_contacts
    from customers as c
    left join counts as k on k.customer_id = c.customer_id
),

totals as (
    select
        *,
        hall + hotline + ivr + web + sms + wap + kiosk as contacts,
        greatest(hall, hotline, ivr, web, sms, wap, kiosk) as top
    from joined
),

final as (
    select
        customer_id,
        brand,
        contacts,
        hall / nullif(contacts, 0) as share_hall,
        hotline / nullif(contacts, 0) as share_hotline,
        ivr / nullif(contacts, 0) as share_ivr,
        web / nullif(contacts, 0) as share_web,
        sms / nullif(contacts, 0) as share_sms,
        wap / nullif(contacts, 0) as share_wap,
        kiosk / nullif(contacts, 0) as share_kiosk,
        case
            when contacts < $min_contacts or contacts = 0 then 'none'
            when hall = top then 'hall'
            when hotline = top then 'hotline'
            when ivr = top then 'ivr'
            when web = top then 'web'
            when sms = top then 'sms'
            when wap = top then 'wap'
            else 'kiosk'
        end as preferred_channel,
        other_contacts
    from totals
)

select * from final
order by customer_id
