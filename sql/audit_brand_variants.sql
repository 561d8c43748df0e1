-- Audit: brands whose names differ only in spaces or case ('GoTone', 'GoTone ', 'gotone'):
-- every distinct name is segmented as a brand of its own, so such variants split a brand.
-- grain: one row per variant: its group (the name folded), the variant, the customers of
--   the group; in the order of the groups and of the variants as text.
-- params: none.
with names as (
    select
        brand,
        lower(trim(brand)) as folded,
        count(*) as customers
    from stg_customers
    where brand is not null
    group by brand
),

groups as (
    select
        folded,
        count(*) as variants,
        sum(customers) as customers
    from names
    group by folded
    having count(*) > 1
),

final as (
    select
        n.folded,
        n.brand,
        g.customers
    from names as n
    inner join groups as g on g.folded = n.folded
)

select
    folded,
    brand,
    customers
from final
order by folded, brand
