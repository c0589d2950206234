-- scope: portfolio
-- The company DSO at the latest month-end above notify.portfolio.dsoAbove days. The amount is the
-- DSO, so a DSO that grows by the escalation step escalates.
select
    null::varchar as customer_id,
    null::varchar as document_id,
    1 as level,
    dso::decimal(38, 2) as amount,
    json_object(
        'dso', round(dso, 1)::varchar,
        'dso_month_end', dso_month_end::varchar,
        'threshold_days', $dso_above
    ) as facts,
from marts.rpt_headline
where dso > $dso_above::double
