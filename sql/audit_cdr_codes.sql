-- Audit: the CDR's coded columns over the window's rows, when 20_cdr_usage.sql found values
-- outside their lists (or a service outside voice, sms, data): per column, the values
-- given and the known ones, and the values given outside the list with their rows. A
-- column given as operator codes shows here as every value unknown. A null marker
-- ([input] null_values: the table null_values, filled by the caller) is no value.
-- grain: one row per coded column (is_value false: the column's counts given and known)
--   and one per value outside the list (is_value true: the value, null for an empty
--   service, and its rows), most frequent first.
-- params: $start, $end (DATE, window = [start, end)).
with given as (
    select
        service,
        given_service,
        direction,
        given_direction,
        peer_network,
        given_peer_network,
        roaming,
        given_roaming
    from stg_cdr
    where start_time >= $start and start_time < $end
),

window_rows as (
    select
        service,
        case when given_service in (select value from null_values) then null else given_service end as given_service,
        direction,
        case when given_direction in (select value from null_values) then null else given_direction end
            as given_direction,
        peer_network,
        case when given_peer_network in (select value from null_values) then null else given_peer_network end
            as given_peer_network,
        roaming,
        case when given_roaming in (select value from null_values) then null else given_roaming end as given_roaming
    from given
),

counts as (
    select 'service' as column_name, 1 as position, count(*) as given, count(service) as known
    from window_rows
    union all
    select 'direction', 2, count(given_direction), count(direction) from window_rows
    union all
    select 'peer_network', 3, count(given_peer_network), count(peer_network) from window_rows
    union all
    select 'roaming', 4, count(given_roaming), count(roaming) from window_rows
),

outside as (
    select 'service' as column_name, 1 as position, given_service as value, count(*) as value_rows
    from window_rows
    where service is null
    group by given_service
    union all
    select 'direction', 2, given_direction, count(*)
    from window_rows
    where given_direction is not null and direction is null
    group by given_direction
    union all
    select 'peer_network', 3, given_peer_network, count(*)
    from window_rows
    where given_peer_network is not null and peer_network is null
    group by given_peer_network
    union all
    select 'roaming', 4, given_roaming, count(*)
    from window_rows
    where given_roaming is not null and roaming is null
    group by given_roaming
),

final as (
    select column_name, position, false as is_value, cast(null as varchar) as value, given, known, 0 as value_rows
    from counts
    union all
    select column_name, position, true as is_value, value, null as given, null as known, value_rows
    from outside
)

select
    column_name,
    is_value,
    value,
    given,
    known,
    value_rows
from final
order by position, is_value, value_rows desc, value
