// The breach rules: one SQL file per rule in this folder, a SELECT over the marts returning
// customer_id, document_id, level, amount and facts (json) for every customer / document / the
// portfolio in breach now. The file's first line names its scope. The config decides which rules
// run and gives their parameters ($name in the SQL); every rule runs in one statement.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../core/config.ts";
import { PACKAGE_ROOT } from "../../core/paths.ts";
import type { Params } from "../../core/warehouse.ts";

export type RuleScope = "customer" | "document" | "portfolio";

export const RULE_NAMES = [
  "over_limit",
  "near_limit",
  "over_max_debt_age",
  "overdue",
  "broken_promise",
  "milestone",
  "portfolio_expected_loss_above",
  "portfolio_expected_loss_up",
  "portfolio_dso_above",
  "portfolio_follow_up_share_below",
  "portfolio_expected_bad_debt_up",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface Rule {
  name: RuleName;
  scope: RuleScope;
  sql: string;
}

// From the package root, not this module's URL: the CLI runs from a bundle elsewhere.
const RULES_DIR = join(PACKAGE_ROOT, "notify", "rules");

/** Reads a SQL file of this folder (setup/… for the engine's shared temp tables). */
export function readRuleSql(file: string): string {
  return readFileSync(join(RULES_DIR, file), "utf8");
}

function loadRule(name: RuleName): Rule {
  const sql = readRuleSql(`${name}.sql`);
  const scope = /^-- scope: (customer|document|portfolio)\s*$/m.exec(sql)?.[1] as RuleScope | undefined;
  if (!scope) throw new Error(`notify/rules/${name}.sql: the first line must name the scope (-- scope: customer, document or portfolio)`);
  return { name, scope, sql };
}

/** Every rule's parameter, or undefined when the config turns the rule off. */
export function ruleParameters(notify: Config["notify"]): Record<RuleName, Record<string, string | number> | undefined> {
  const { rules, portfolio, workList } = notify;
  const on = (enabled: boolean, params: Record<string, string | number> = {}) => (enabled ? params : undefined);
  return {
    over_limit: on(rules.overLimit),
    near_limit: on(rules.nearLimit !== undefined, { near_limit: String(rules.nearLimit) }),
    over_max_debt_age: on(rules.overMaxDebtAge),
    overdue: on(rules.overdueDays.length > 0, { overdue_days: JSON.stringify(rules.overdueDays) }),
    broken_promise: on(rules.brokenPromise),
    milestone: on(true, { milestones: JSON.stringify(workList.milestones) }),
    portfolio_expected_loss_above: on(portfolio.expectedLossAbove !== undefined, { expected_loss_above: String(portfolio.expectedLossAbove) }),
    portfolio_expected_loss_up: on(portfolio.expectedLossUpPercent !== null, { expected_loss_up_percent: Number(portfolio.expectedLossUpPercent) }),
    portfolio_dso_above: on(portfolio.dsoAbove !== undefined, { dso_above: Number(portfolio.dsoAbove) }),
    portfolio_follow_up_share_below: on(portfolio.followUpShareBelow !== undefined, { follow_up_share_below: Number(portfolio.followUpShareBelow) }),
    portfolio_expected_bad_debt_up: on(portfolio.expectedBadDebtUpPercent !== null, { expected_bad_debt_up_percent: Number(portfolio.expectedBadDebtUpPercent) }),
  };
}

/**
 * One statement that evaluates every enabled rule into the temp table notify_candidates
 * (rule, scope, customer_id, document_id, level, amount, facts), with its parameters.
 */
export function candidatesStatement(notify: Config["notify"]): { sql: string; params: Params } {
  const parameters = ruleParameters(notify);
  const params: Record<string, string | number> = {};
  const selects: string[] = [];
  for (const name of RULE_NAMES) {
    const ruleParams = parameters[name];
    if (!ruleParams) continue;
    const rule = loadRule(name);
    Object.assign(params, ruleParams);
    // The rule's name and scope are constants of this module (never data), so they are written inline.
    selects.push(
      `select '${name}' as rule, '${rule.scope}' as scope, customer_id::varchar as customer_id, document_id::varchar as document_id,
              level::integer as level, amount::decimal(38, 2) as amount, facts::json as facts
       from (\n${rule.sql.replace(/;\s*$/, "")}\n) as ${name}`,
    );
  }
  const body = selects.length > 0
    ? selects.join("\nunion all\n")
    : "select null::varchar as rule, null::varchar as scope, null::varchar as customer_id, null::varchar as document_id, null::integer as level, null::decimal(38, 2) as amount, null::json as facts where false";
  const sql = `create or replace temp table notify_candidates as\n${body}`;
  return { sql, params: usedParams(sql, params) };
}

/** DuckDB refuses a named parameter the statement does not use, so only the used ones are passed. */
export function usedParams(sql: string, params: Record<string, string | number | string[] | null>): Params {
  const used = new Set([...sql.matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!));
  return Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k))) as Params;
}
