-- How the CDR rows fall with respect to the window and the customers table, so that
-- nothing is dropped silently.
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
        m.events,
        -- staging turns a service outside the list (or an empty one) into NULL
        coalesce(m.service in ('voice', 'sms', 'data'), false) as known_service,
        m.customer_id is not null and c.customer_id is null as unknown_customer,
        m.customer_id
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
            as rows_used
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
        n.negative_durations
    from all_rows as a
    cross join anomalies as n
    cross join in_window as w
)

select * from final
