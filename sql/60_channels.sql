-- Channel preference: each customer's contacts per channel in the window, their shares and
-- the preferred channel, for every customer of the window (table window_customers, from
-- 50_window_customers.sql; contacts from service_contacts, 24_service_contacts.sql);
-- customers without contacts have contacts = 0.
-- grain: one row per customer_id, ordered by customer_id.
-- params: $min_contacts (fewer contacts on the seven known channels: preferred_channel = 'none').
-- Ties for the largest share go to the first channel in the fixed order hall, hotline,
-- ivr, web, sms, wap, kiosk. Contacts on any other channel value are counted apart
-- (other_contacts) and not in the shares.
with customers as (
    select
        customer_id,
        brand
    from window_customers
),

joined as (
    select
        c.customer_id,
        c.brand,
        k.hall,
        k.hotline,
        k.ivr,
        k.web,
        k.sms,
        k.wap,
        k.kiosk,
        coalesce(k.hall + k.hotline + k.ivr + k.web + k.sms + k.wap + k.kiosk, 0) as contacts,
        coalesce(k.contacts, 0) as all_contacts,
        greatest(k.hall, k.hotline, k.ivr, k.web, k.sms, k.wap, k.kiosk) as top
    from customers as c
    left join service_contacts as k on k.customer_id = c.customer_id
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
        all_contacts - contacts as other_contacts
    from joined
)

select * from final
order by customer_id
