-- scope: portfolio
-- The expected credit loss as of the as-of date above notify.portfolio.expectedLossAbove.
select
    null::varchar as customer_id,
    null::varchar as document_id,
    1 as level,
    expected_credit_loss::decimal(38, 2) as amount,
    json_object(
        'expected_credit_loss', expected_credit_loss::varchar,
        'threshold', $expected_loss_above::decimal(38, 2)::varchar
    ) as facts,
from marts.rpt_headline
where expected_credit_loss > $expected_loss_above::decimal(38, 2)
