import type { Warehouse } from "../core/warehouse.ts";
import { literal } from "../core/warehouse.ts";
import { customerIdSql } from "./ids.ts";
import { MIX, twoSignificant, type Plan } from "./plan.ts";
import { pickSql, weightedSql } from "./sql-random.ts";
import {
  COLLECTORS,
  CREDIT_TERMS,
  CUSTOMER_GROUPS,
  EN_ADJECTIVES,
  EN_LEGAL_FORMS,
  EN_NOUNS,
  EN_TRADES,
  KEY_ACCOUNTS_TEAM,
  REGIONAL_TEAMS,
  TH_CITIES,
  TH_LEGAL_FORMS,
  TH_TRADES,
  TH_WORDS,
  VN_CITIES,
  VN_FIRST,
  VN_LEGAL_FORMS,
  VN_SECOND,
  VN_TRADES,
} from "./word-lists.ts";

/** Payment behaviour classes and their shares; prompt takes what the others leave. */
export const CUSTOMER_CLASSES = [
  ["defaulting", 0.05],
  ["chronic", 0.15],
  ["slow", 0.25],
] as const;

function nameSql(): string {
  const i = "customer_no";
  const vn = `case when g_u(${i}, 'n.quote') < 0.05
      then 'Nhà hàng "' || ${pickSql(VN_FIRST, i, "n.vs1")} || ' ' || ${pickSql(VN_SECOND, i, "n.vs2")} || '"'
      else concat_ws(' ', ${pickSql(VN_LEGAL_FORMS, i, "n.vl")}, nullif(${pickSql(VN_TRADES, i, "n.vt")}, ''),
             ${pickSql(VN_FIRST, i, "n.vs1")}, ${pickSql(VN_SECOND, i, "n.vs2")})
           || case when g_u(${i}, 'n.branch') < 0.3 then ', Chi nhánh ' || ${pickSql(VN_CITIES, i, "n.city")} else '' end
    end`;
  const th = `concat_ws(' ', ${pickSql(TH_WORDS, i, "n.tw")}, ${pickSql(TH_TRADES, i, "n.tt")}, ${pickSql(TH_LEGAL_FORMS, i, "n.tl")})
    || case when g_u(${i}, 'n.branch') < 0.3 then ' (' || ${pickSql(TH_CITIES, i, "n.city")} || ' Branch)' else '' end`;
  const en = `case when g_u(${i}, 'n.quote') < 0.05
      then 'The "' || ${pickSql(EN_ADJECTIVES, i, "n.ea")} || ' ' || ${pickSql(EN_NOUNS, i, "n.en")} || '" ' || ${pickSql(EN_TRADES, i, "n.et")}
      else concat_ws(' ', ${pickSql(EN_ADJECTIVES, i, "n.ea")}, ${pickSql(EN_NOUNS, i, "n.en")}, ${pickSql(EN_TRADES, i, "n.et")},
             nullif(${pickSql(EN_LEGAL_FORMS, i, "n.el")}, ''))
    end`;
  return `case when u_style < 0.4 then ${vn} when u_style < 0.7 then ${th} else ${en} end`;
}

/**
 * Builds g_customer_weights (size and cumulative size, for picking a customer in proportion to
 * its size with an ASOF join) and g_customers (one row per customer with its hidden behaviour:
 * class, typical invoice, default date, payment weekday).
 */
export async function buildCustomers(wh: Warehouse, plan: Plan): Promise<void> {
  const collectorRows = COLLECTORS.map((c) => {
    const team = COLLECTORS.filter((o) => o.team === c.team);
    return `(${literal(c.team)}, ${team.indexOf(c)}, ${team.length}, ${literal(c.name)}, ${literal(c.email)})`;
  });
  await wh.run(
    `create or replace table g_collectors as select * from (values ${collectorRows.join(", ")}) t(team, k, team_size, name, email)`,
  );
  const n = plan.customers;
  const [defaulting, chronic, slow] = CUSTOMER_CLASSES.map(([, share]) => share);
  const terms = CREDIT_TERMS.map(([d, w]) => [String(d), w] as const);
  // Months as a real number, for a monthly sales figure that does not depend on calendar quirks.
  const months = plan.days / 30.4375;
  // Sizes first, in a narrow table: the cumulative weights pick customers for documents and
  // orders (ASOF join), and the total turns a weight into expected sales.
  await wh.run(`
    create or replace table g_customer_weights as
    with sized as (
      -- Log-normal sizes: a few customers carry many invoices, as in any real ledger.
      select range + 1 as customer_no, greatest(1, round(1000 * exp(1.3 * g_n(range + 1, 'c.size'))))::BIGINT as weight
      from range(${n})
    )
    select customer_no, weight, (sum(weight) over (order by customer_no) - weight)::BIGINT as lo, (sum(weight) over ())::BIGINT as total
    from sized
  `);
  await wh.run(`
    create or replace table g_customers as
    with ranked as (
      -- Class and limit category come from a rank of a hash, not a threshold on it, so that the
      -- shares hold exactly even for 50 customers while the members are still scattered.
      -- (Ranked over narrow rows: a window carries every column of its input.)
      select
        customer_no,
        weight,
        total as total_weight,
        (row_number() over (order by g_h(customer_no, 'c.class'), customer_no) - 1) / ${n} as q_class,
        (row_number() over (order by g_h(customer_no, 'c.limit'), customer_no) - 1) / ${n} as q_limit
      from g_customer_weights
    ),
    base as (
      select
        *,
        g_n(customer_no, 'c.size') as z_size,
        g_n(customer_no, 'c.ticket') as z_ticket,
        g_u(customer_no, 'c.style') as u_style,
        g_u(customer_no, 'c.group') as u_group,
        g_u(customer_no, 'c.team') as u_team,
        g_u(customer_no, 'c.term') as u_term,
        g_u(customer_no, 'c.status') as u_status,
        g_u(customer_no, 'c.default') as u_default,
        g_u(customer_no, 'c.limitf') as u_limit,
        g_int(customer_no, 'c.collector', 1000003) as collector_draw
      from ranked
    ),
    shaped as (
      select
        *,
        case when q_class < ${defaulting} then 'defaulting'
             when q_class < ${defaulting! + chronic!} then 'chronic'
             when q_class < ${defaulting! + chronic! + slow!} then 'slow'
             else 'prompt' end as behaviour,
        900 * exp(0.25 * z_size + 0.35 * z_ticket) as ticket,
        case when z_size > 1.645 then ${literal(KEY_ACCOUNTS_TEAM)} else ${weightedSql(REGIONAL_TEAMS, "u_team")} end as team,
        ${weightedSql(terms, "u_term")}::INTEGER as credit_term_days
      from base
    ),
    limited as (
      select
        *,
        -- The term plus about two months of expected sales, and never less than a few typical
        -- invoices (a small customer still gets a workable limit); varied, so that some customers
        -- sit near or over their limit and others far below it.
        greatest(4 * ticket * 1.5, weight / total_weight * ${plan.baseDocs} * ticket * 1.5 / ${months}
                                   * (credit_term_days / 30 + 2)) * (0.7 + 1.1 * u_limit) * ${plan.scale} as raw_limit
      from shaped
    )
    select
      customer_no,
      ${customerIdSql("customer_no")} as customer_id,
      ${nameSql()} as customer_name,
      ${weightedSql(CUSTOMER_GROUPS, "u_group")} as customer_group,
      s.team,
      col.name as collector,
      col.email as collector_email,
      ${twoSignificant("raw_limit")} as base_limit,
      case when q_limit < ${MIX.zeroCreditLimit} then 0::DECIMAL(18,2)
           when q_limit < ${MIX.zeroCreditLimit + MIX.noCreditLimit} then null
           else base_limit end as credit_limit,
      credit_term_days,
      ${literal(plan.currency)} as currency,
      -- Blocking follows behaviour (about 3% in all): most blocked customers are the ones who
      -- stopped paying.
      case when u_status < case behaviour when 'defaulting' then 0.4 when 'chronic' then 0.06 else 0.005 end
           then 'blocked' else 'active' end as status,
      behaviour,
      ticket,
      -- A defaulting customer stops paying 10% to 70% into the window, so that what it leaves
      -- unpaid has had time to age into write-offs and bad debt by the as-of date.
      case when behaviour = 'defaulting'
           then DATE ${literal(plan.start)} + 1 + floor(${plan.days} * (0.1 + 0.6 * u_default))::INTEGER end as default_date,
      -- Customers pay in a weekly payment run on their own weekday (1 = Monday).
      1 + g_int(customer_no, 'c.paydow', 5) as pay_dow
    from limited s
    join g_collectors col on col.team = s.team and col.k = s.collector_draw % col.team_size
  `);
}
