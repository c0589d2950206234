-- The files loaded by a source (config sources) whose allocation differs from the top-level one,
-- with that allocation (README: Allocation): a raw row's _load_id and _source_file find it here;
-- a row whose file is not here is allocated as the top-level allocation says.
with

params as (
    select allocation from meta.build_params
),

final as (
    select distinct log.load_id, log.file_name, log.entity, allocations.allocation
    from meta.load_log as log
    join meta.build_source_allocations as allocations on allocations.source = log.source
    cross join params
    where log.outcome = 'loaded' and allocations.allocation <> params.allocation
)

select * from final
