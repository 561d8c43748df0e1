-- Value tiers, card tiers, value score and group class of every customer of the window
-- (table window_customers, from 50_window_customers.sql).
-- grain: one row per customer_id, ordered by customer_id.
-- params: $end (DATE, day after the window: tenure is counted up to it);
--   $tier_a_above, $tier_c_below (ARPU tiers: A > a, B from c to a inclusive, C < c);
--   $card_diamond, $card_gold, $card_silver (card tiers: ARPU >= threshold);
--   $weight_revenue, $weight_tenure, $weight_credit, $weight_cost (score weights);
--   $group_a, $group_b, $group_c (lines per group_id for classes A, B, C).
-- Tiers compare the exact DECIMAL window revenue with threshold x billed months, so
-- an ARPU of exactly tier_c_below or tier_a_above is B. The labels are segment.value's
-- TIERS, CARDS and GROUP_CLASSES (tests/test_sql_lists.py holds them to it). Each score component is a rank within the
-- brand scaled to 0..1 (ties share their average rank; a brand's only value gets 0.5);
-- the score renormalizes the weights over the components a customer has.
with customers as (
    select * from window_customers
),

measures as (
    select
        customer_id,
        brand,
        group_id,
        bill_months,
        revenue,
        discount,
        coalesce(cast(revenue as double) / nullif(bill_months, 0), 0.0) as arpu,
        case
            when bill_months > 0 and revenue > cast($tier_a_above as decimal(18, 2)) * bill_months then 'A'
            when bill_months > 0 and revenue >= cast($tier_c_below as decimal(18, 2)) * bill_months then 'B'
            else 'C'
        end as arpu_tier,
        case
            when bill_months > 0 and revenue >= cast($card_diamond as decimal(18, 2)) * bill_months then 'diamond'
            when bill_months > 0 and revenue >= cast($card_gold as decimal(18, 2)) * bill_months then 'gold'
            when bill_months > 0 and revenue >= cast($card_silver as decimal(18, 2)) * bill_months then 'silver'
            else 'none'
        end as card_tier,
        cast(cast($end as date) - activation_date as bigint) as tenure_days,
        cast(overdue_days as double) / nullif(bill_months, 0) as overdue_days,
        cast(arrears as double) / nullif(bill_months, 0) as arrears,
        credit_level,
        cast(discount as double) / nullif(cast(revenue + discount as double), 0) as discount_rate,
        case when group_id is not null then count(*) over (partition by group_id) end as group_lines
    from customers
),

-- the measures the score ranks, one row per customer and measure (as DOUBLE: the integer
-- ones are far below 2^53, so their order and ties are kept)
measure_values as (
    select
        m.customer_id,
        m.brand,
        k.measure,
        case k.measure
            when 'arpu' then m.arpu
            when 'tenure_days' then cast(m.tenure_days as double)
            when 'overdue_days' then m.overdue_days
            when 'arrears' then m.arrears
            when 'credit_level' then cast(m.credit_level as double)
            when 'discount_rate' then m.discount_rate
        end as x
    from measures as m
    cross join (
        values ('arpu'), ('tenure_days'), ('overdue_days'), ('arrears'), ('credit_level'), ('discount_rate')
    ) as k (measure)
),

-- each measure's rank within the brand scaled to 0..1
measure_ranks as (
    select
        customer_id,
        measure,
        case
            when x is null then null
            when count(x) over (partition by brand, measure) = 1 then 0.5
            else (rank() over (partition by brand, measure order by x asc nulls last) - 1
                  + (count(*) over (partition by brand, measure, x) - 1) / 2e0)
                 / (count(x) over (partition by brand, measure) - 1)
        end as scaled_rank
    from measure_values
),

ranked as (
    select
        m.*,
        r.s_revenue,
        r.r_tenure,
        r.r_overdue,
        r.r_arrears,
        r.r_credit_level,
        r.r_discount_rate
    from measures as m
    inner join (
        select
            customer_id,
            max(scaled_rank) filter (where measure = 'arpu') as s_revenue,
            max(scaled_rank) filter (where measure = 'tenure_days') as r_tenure,
            max(scaled_rank) filter (where measure = 'overdue_days') as r_overdue,
            max(scaled_rank) filter (where measure = 'arrears') as r_arrears,
            max(scaled_rank) filter (where measure = 'credit_level') as r_credit_level,
            max(scaled_rank) filter (where measure = 'discount_rate') as r_discount_rate
        from measure_ranks
        group by customer_id
    ) as r on r.customer_id = m.customer_id
),

components as (
    select
        *,
        r_tenure as s_tenure,
        -- credit risk: fewer overdue days, lower arrears and a better credit level score higher
        (coalesce(1 - r_overdue, 0) + coalesce(1 - r_arrears, 0) + coalesce(r_credit_level, 0))
            / nullif(cast(r_overdue is not null as integer) + cast(r_arrears is not null as integer)
                + cast(r_credit_level is not null as integer), 0)
            as s_credit,
        1 - r_discount_rate as s_cost
    from ranked
),

final as (
    select
        customer_id,
        brand,
        arpu,
        arpu_tier,
        card_tier,
        -- to two decimals as round(x * 100) / 100, which both engines compute alike
        -- (round(x, 2) rounds the exact binary value in DuckDB, its decimal text in Spark)
        round(100 * (
            $weight_revenue * s_revenue
            + coalesce($weight_tenure * s_tenure, 0)
            + coalesce($weight_credit * s_credit, 0)
            + coalesce($weight_cost * s_cost, 0)
        ) / nullif(
            $weight_revenue
            + case when s_tenure is null then 0 else $weight_tenure end
            + case when s_credit is null then 0 else $weight_credit end
            + case when s_cost is null then 0 else $weight_cost end, 0) * 100) / 100 as value_score,
        group_id,
        case
            when group_lines is null then null
            when group_lines >= $group_a then 'A'
            when group_lines >= $group_b then 'B'
            when group_lines >= $group_c then 'C'
            else 'small'
        end as group_class,
        bill_months,
        revenue,
        discount,
        tenure_days,
        overdue_days,
        arrears,
        credit_level,
        discount_rate,
        group_lines,
        s_revenue,
        s_tenure,
        s_credit,
        s_cost
    from components
)

select * from final
order by customer_id
