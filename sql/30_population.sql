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

-- the window's months as ranges of window days [first_day, end_day): every month of the
-- window is billed (segment.features.choose_window checks it)
months as (
    select
        cast(month - cast($start as date) as integer) as first_day,
        cast(cast(month + interval 1 month as date) - cast($start as date) as integer) as end_day
    from (
        select distinct bill_month as month
        from stg_billing
        where bill_month >= $start and bill_month < $end
    ) as billed_months
),

-- the days with an event of any service, per customer and half block: half 2 x block holds
-- the days of day_mask_lo, half 2 x block + 1 those of day_mask_hi, 63 days each
blocks as (
    select
        customer_id,
        block,
        bit_or(day_mask_lo) as day_mask_lo,
        bit_or(day_mask_hi) as day_mask_hi
    from cdr_usage
    where service in ('voice', 'sms', 'data')
    group by customer_id, block
),

days as (
    select
        customer_id,
        2 * block + h.high as half,
        case when h.high = 0 then day_mask_lo else day_mask_hi end as day_mask
    from blocks
    cross join (values (0), (1)) as h (high)
),

-- a month is active when the day mask of a half block it overlaps has a bit among its
-- days (a month across two halves is looked for in both); a month has at most 31 days,
-- so the shifted masks stay far from the sign bit
active_months as (
    select distinct
        d.customer_id,
        m.first_day
    from days as d
    cross join months as m
    where
        m.first_day < 63 * (d.half + 1)
        and m.end_day > 63 * d.half
        and (d.day_mask >> greatest(m.first_day - 63 * d.half, 0))
            & ((cast(1 as bigint) << (least(m.end_day - 63 * d.half, 63) - greatest(m.first_day - 63 * d.half, 0)))
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
