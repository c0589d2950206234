-- An amount in the functional currency, as DECIMAL(38,2): as it is when it is in the functional
-- currency already, else converted at fx_rate and rounded to the functional currency's minor
-- units (README: Several currencies).
create or replace macro to_functional_currency(amount, is_functional, fx_rate, digits) as
    case when is_functional then amount::decimal(38, 2) else round_to_minor_units(amount * fx_rate, digits) end
