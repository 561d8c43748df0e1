-- How the CDR rows fall with respect to the window and the customers table, so that
-- nothing is dropped silently.
-- grain: one row.
-- params: $start, $end (DATE, window = [start, end)).
with flagged as (
    select
        m.events,
        m.negative_durations,
        m.month >= $start and m.month < $end as in_window,
        m.service in ('voice', 'sms', 'data') as known_service,
        m.customer_id is not null and c.customer_id is null as unknown_customer,
        m.customer_id
    from cdr_month as m
    left join (select distinct customer_id from stg_customers) as c on c.customer_id = m.customer_id
),

final as (
    select
        coalesce(sum(events), 0) as rows_total,
        coalesce(sum(events) filter (where month_is_null), 0) as rows_no_time,
        coalesce(sum(events) filter (where not in_window), 0) as rows_outside_window,
        coalesce(sum(events) filter (where in_window and not known_service), 0) as rows_unknown_service,
        coalesce(sum(events) filter (where in_window and customer_id is null), 0) as rows_no_customer_id,
        coalesce(sum(events) filter (where in_window and unknown_customer), 0) as rows_unknown_customer,
        count(distinct customer_id) filter (where in_window and unknown_customer) as unknown_customers,
        min(customer_id, 3) filter (where in_window and unknown_customer) as unknown_examples,
        coalesce(sum(events) filter (where in_window and known_service and not unknown_customer and customer_id is not null), 0)
            as rows_used,
        coalesce(sum(negative_durations), 0) as negative_durations
    from (select *, in_window is null as month_is_null from flagged)
)

select * from final
