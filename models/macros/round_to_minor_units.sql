-- An amount rounded to a currency's minor units (0 for VND, 2 for USD; the warehouse keeps at most
-- 2 decimals), half away from zero, as DECIMAL(38,2). round() wants a constant precision, hence one
-- branch per digit count; each branch is cast, as DuckDB would otherwise give the CASE the scale
-- of its first branch (DECIMAL(38,0)) and drop the cents of the others.
create or replace macro round_to_minor_units(amount, digits) as
    case
        when digits = 0 then round(amount, 0)::decimal(38, 2)
        when digits = 1 then round(amount, 1)::decimal(38, 2)
        else round(amount, 2)::decimal(38, 2)
    end
