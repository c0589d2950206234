-- An amount in the functional currency expressed in another currency at fx_rate (functional units
-- per unit), rounded to that currency's minor units, as DECIMAL(38,2) (README: Several
-- currencies). A quotient of decimals is a double (1.005 may come out 1.00499…): it is made a
-- decimal again before it is rounded, so that a half rounds away from zero.
create or replace macro from_functional_currency(amount, fx_rate, digits) as
    round_to_minor_units((amount / fx_rate)::decimal(38, 10), digits)
