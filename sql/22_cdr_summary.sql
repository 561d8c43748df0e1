-- How the CDR rows fall with respect to the window and the customers table, so that
-- nothing is dropped silently, and what the checks of the window's rows need: the values
-- of the coded columns outside their lists, and the plausibility measures (docs/quality.md).
-- grain: one row.
-- params: none (the window is that of cdr_usage).
-- A few of the unknown customers are listed by audit_cdr_unknown_customers.sql.
-- cdr_usage holds the rows of the window only; the whole-file counts (all rows, undated
-- rows, negative durations) come from stg_cdr with plain filters, which DuckDB answers
-- from Parquet metadata and min/max / null-count statistics without decoding the rows
-- when no row group can match (CSV input is scanned).
with all_rows as (
    select count(*) as rows_total
    from stg_cdr
),

anomalies as (
    select
        count(*) filter (where start_time is null) as rows_no_time,
        count(*) filter (where duration_s < 0) as negative_durations
    from stg_cdr
    where start_time is null or duration_s < 0
),

flagged as (
    select
        m.*,
        -- staging turns a service outside the list (or an empty one) into NULL
        coalesce(m.service in ('voice', 'sms', 'data'), false) as known_service,
        m.customer_id is not null and c.customer_id is null as unknown_customer
    from cdr_usage as m
    left join (select distinct customer_id from stg_customers) as c on c.customer_id = m.customer_id
),

in_window as (
    select
        coalesce(sum(events), 0) as rows_in_window,
        coalesce(sum(events) filter (where not known_service), 0) as rows_unknown_service,
        coalesce(sum(events) filter (where customer_id is null), 0) as rows_no_customer_id,
        coalesce(sum(events) filter (where unknown_customer), 0) as rows_unknown_customer,
        count(distinct customer_id) filter (where unknown_customer) as unknown_customers,
        coalesce(sum(events) filter (where known_service and not unknown_customer and customer_id is not null), 0)
            as rows_used,
        coalesce(sum(events) filter (where known_service), 0) as rows_known_service,
        coalesce(sum(codes_unknown), 0) as codes_unknown,
        coalesce(sum(events_night), 0) as events_night,
        -- one customer throughout: the least id is the greatest
        min(customer_id) = max(customer_id) as one_customer,
        -- voice calls: their durations, for the mean and for a single value (zero variance)
        coalesce(sum(durations) filter (where service = 'voice'), 0) as voice_durations,
        sum(duration_sum) filter (where service = 'voice') as voice_duration_sum,
        sum(duration_sq_sum) filter (where service = 'voice') as voice_duration_sq_sum,
        -- one value throughout makes every group's mean that value: equal means are the
        -- candidates audit_cdr_plausibility.sql confirms
        coalesce(sum(events) filter (where service = 'data'), 0) as data_events,
        sum(volume_kb) filter (where service = 'data') as data_volume_sum,
        min(cast(volume_kb as double) / events) filter (where service = 'data') as data_volume_mean_min,
        max(cast(volume_kb as double) / events) filter (where service = 'data') as data_volume_mean_max,
        min(cast(charge as double) / events) as charge_mean_min,
        max(cast(charge as double) / events) as charge_mean_max,
        min(first_event) as first_event,
        max(last_event) as last_event
    from flagged
),

final as (
    select
        a.rows_total,
        n.rows_no_time,
        a.rows_total - n.rows_no_time - w.rows_in_window as rows_outside_window,
        w.rows_unknown_service,
        w.rows_no_customer_id,
        w.rows_unknown_customer,
        w.unknown_customers,
        w.rows_used,
        n.negative_durations,
        w.rows_in_window,
        w.rows_known_service,
        w.codes_unknown,
        w.events_night,
        w.one_customer,
        w.voice_durations,
        w.voice_duration_sum,
        w.voice_duration_sq_sum,
        w.data_events,
        w.data_volume_sum,
        w.data_volume_mean_min,
        w.data_volume_mean_max,
        w.charge_mean_min,
        w.charge_mean_max,
        w.first_event,
        w.last_event
    from all_rows as a
    cross join anomalies as n
    cross join in_window as w
)

select * from final
