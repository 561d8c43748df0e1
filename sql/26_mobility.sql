-- The mobility indicators of each customer from cdr_cells (25_cdr_cells.sql): distinct cells,
-- their entropy, the most frequent cell, home, cells per day. bandicoot's definitions where it
-- has them: number_of_antennas (distinct cells), entropy_of_antennas (Shannon entropy, natural
-- log, of events over cells), percent_at_home (home = the cell with the most nocturnal events),
-- frequent_antennas (fewest cells holding the pareto share of events).
-- grain: one row per customer_id with an event at a known cell in the window.
-- params: $pareto_share (e.g. 0.8).
-- Home is the cell with the most nocturnal events; among ties the one with the most events,
-- then the least cell_id as text (so that the result depends neither on the engine nor on
-- whether the ids were read as numbers or as text); a customer without a nocturnal event has
-- no home and its home indicators are null. The entropy sum goes through fixed point (1e-15) so that it
-- does not depend on the order in which threads combine partial sums (as in 40_features.sql).
create or replace temp table mobility as
with cells as (
    select
        customer_id,
        cell_id,
        sum(events) as events,
        sum(events_night) as events_night,
        sum(bit_count(day_mask_lo) + bit_count(day_mask_hi)) as days
    from cdr_cells
    group by customer_id, cell_id
),

located_days as (
    select
        customer_id,
        sum(bit_count(lo) + bit_count(hi)) as days
    from (
        select
            customer_id,
            block,
            bit_or(day_mask_lo) as lo,
            bit_or(day_mask_hi) as hi
        from cdr_cells
        group by customer_id, block
    ) as blocks
    group by customer_id
),

home as (
    select
        customer_id,
        events as home_events,
        events_night as home_events_night,
        days as home_days
    from (
        select
            *,
            row_number() over (
                partition by customer_id order by events_night desc, events desc, cast(cell_id as varchar)
            ) as night_rank
        from cells
        where events_night > 0
    ) as ranked
    where night_rank = 1
),

-- the pareto count without sorting every cell, as for contacts in 40_features.sql
levels as (
    select
        customer_id,
        events as level_events,
        count(*) as level_cells
    from cells
    group by customer_id, events
),

levels_running as (
    select
        *,
        ceil(sum(level_events * level_cells) over (partition by customer_id) * $pareto_share) as target,
        coalesce(sum(level_events * level_cells) over before, 0) as events_before,
        coalesce(sum(level_cells) over before, 0) as cells_before
    from levels
    window before as (
        partition by customer_id order by level_events desc
        rows between unbounded preceding and 1 preceding
    )
),

pareto as (
    select
        customer_id,
        cells_before + ceil((target - events_before) / level_events) as pareto_cells
    from levels_running
    where events_before < target and events_before + level_events * level_cells >= target
),

per_customer as (
    select
        customer_id,
        count(*) as cells,
        sum(events) as events,
        sum(events_night) as events_night,
        max(events) as top_events,
        sum(days) as cell_days,
        count(*) filter (where events_night > 0) as night_cells,
        sum(cast(round_even(events * ln(events) * 1e15, 0) as decimal(38, 0))) as events_ln_events_e15
    from cells
    group by customer_id
),

final as (
    select
        c.customer_id,
        c.cells,
        c.night_cells,
        case
            when c.cells = 1 then 0.0
            else greatest(ln(c.events) - cast(c.events_ln_events_e15 as double) / 1e15 / c.events, 0.0)
        end as entropy_of_antennas,
        c.top_events / c.events as percent_top_antenna,
        h.home_events / c.events as percent_at_home,
        h.home_events_night / nullif(c.events_night, 0) as home_night_share,
        h.home_days / nullif(d.days, 0) as home_days_share,
        c.cell_days / nullif(d.days, 0) as antennas_per_active_day,
        cast(p.pareto_cells as double) as frequent_antennas,
        c.events / c.cells as events_per_antenna_mean
    from per_customer as c
    left join located_days as d on d.customer_id = c.customer_id
    left join home as h on h.customer_id = c.customer_id
    left join pareto as p on p.customer_id = c.customer_id
)

select * from final
