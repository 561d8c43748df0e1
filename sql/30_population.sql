-- The customers described by the features of one window.
-- grain: one row per customer_id.
-- params: $start, $end (DATE, window = [start, end)), $months (months in the window),
--   $population ('stable': a bill and at least one event in every month of the window;
--   'all': a bill or an event in any month of it).
create or replace temp table population as
with billed as (
    select
        customer_id,
        count(distinct bill_month) as months
    from stg_billing
    where bill_month >= $start and bill_month < $end and total_fee is not null
    group by customer_id
),

-- the window's months as ranges of window days [first_day, end_day)
months as (
    select
        cast(month - cast($start as date) as integer) as first_day,
        cast(cast(month + interval 1 month as date) - cast($start as date) as integer) as end_day
    from (
        select cast(unnest(range(cast($start as date), cast($end as date), interval 1 month)) as date) as month
    )
),

-- the days with an event of any service, per customer and block
days as (
    select
        customer_id,
        block,
        bit_or(day_mask) as day_mask
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id, block
),

-- a month is active when the day mask of a block it overlaps has a bit among its days
-- (a month across two blocks is looked for in both)
active_months as (
    select distinct
        d.customer_id,
        m.first_day
    from days as d
    cross join months as m
    where
        m.first_day < 127 * (d.block + 1)
        and m.end_day > 127 * d.block
        and (d.day_mask >> cast(greatest(m.first_day - 127 * d.block, 0) as hugeint))
            & ((cast(1 as hugeint) << cast(
                least(m.end_day - 127 * d.block, 127) - greatest(m.first_day - 127 * d.block, 0) as hugeint))
                - 1) <> 0
),

active as (
    select
        customer_id,
        count(*) as months
    from active_months
    group by customer_id
),

final as (
    select
        c.customer_id,
        c.brand
    from stg_customers as c
    left join billed as b on b.customer_id = c.customer_id
    left join active as a on a.customer_id = c.customer_id
    where
        case
            when $population = 'stable' then coalesce(b.months = $months and a.months = $months, false)
            else b.months is not null or a.months is not null
        end
)

select * from final
