-- Service contacts (interactions) of the window per customer and channel, counted once for
-- the indicators (40_features.sql), churn's complaints rule (55_churn_customers.sql) and
-- the channel preference (60_channels.sql).
-- grain: one row per customer_id with a contact in the window.
-- params: $start, $end (DATE, window = [start, end)); $last_month (DATE, first day of the
--   window's last month).
-- contacts counts every contact, on any channel or none; the seven channel columns are
-- segment.schema.CHANNELS, in its order (tests/test_sql_lists.py holds them to it); the
-- purposes beside complaints are segment.schema.PURPOSES; last_contact is the latest contact's time.
create or replace temp table service_contacts as
select
    customer_id,
    count(*) as contacts,
    count(*) filter (where channel = 'hall') as hall,
    count(*) filter (where channel = 'hotline') as hotline,
    count(*) filter (where channel = 'ivr') as ivr,
    count(*) filter (where channel = 'web') as web,
    count(*) filter (where channel = 'sms') as sms,
    count(*) filter (where channel = 'wap') as wap,
    count(*) filter (where channel = 'kiosk') as kiosk,
    count(*) filter (where purpose = 'complaint') as complaints,
    count(*) filter (where purpose = 'complaint' and contact_time >= $last_month) as complaints_last,
    count(*) filter (where purpose = 'inquiry') as inquiries,
    count(*) filter (where purpose = 'transaction') as transactions,
    count(*) filter (where purpose = 'campaign') as campaigns,
    count(distinct channel) as channels_used,
    max(contact_time) as last_contact
from stg_interactions
where contact_time >= $start and contact_time < $end
group by customer_id
