-- The same KPIs per team, collector and customer group, for the drill-down.
select *
from intermediate.int_kpis_monthly
where level <> 'company'
