-- The multi-SIM indicators of every customer of the population: multisim (1 when a second
-- number of theirs is flagged in multisim, 33_multisim.sql) and multisim_score (the largest
-- Jaccard similarity with a number that is no direct contact; 0 when no number shares
-- enough contacts to be scored). FeatureSet.query joins them to the features table.
-- grain: one row per customer_id of population.
-- params: none.
create or replace temp table multisim_customers as
with flags as (
    select
        customer_id,
        max(cast(multisim as integer)) as multisim,
        max(case when direct then 0e0 else jaccard end) as multisim_score
    from multisim
    group by customer_id
),

final as (
    select
        p.customer_id,
        coalesce(f.multisim, 0) as multisim,
        coalesce(f.multisim_score, 0e0) as multisim_score
    from population as p
    left join flags as f on cast(f.customer_id as varchar) = cast(p.customer_id as varchar)
)

select * from final
order by customer_id
