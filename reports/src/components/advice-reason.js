/**
 * The credit-limit advice's reason in the reader's language, from the figures it rests on
 * (rpt_credit_limit_advice: behaviour_class, avg_monthly_sales, credit_term_days,
 * typical_days_late, factor). The mart's own reason column is the English text; the downloads keep it.
 */
export function adviceReason(row, { t, fmt, code }) {
  if (row.factor == null) return t.advice_no_history;
  return t.advice_reason
    .replace("{class}", code("behaviour", row.behaviour_class))
    .replace("{sales}", fmt.amount(row.avg_monthly_sales))
    .replace("{term}", fmt.integer(row.credit_term_days))
    .replace("{late}", fmt.days(row.typical_days_late))
    .replace("{factor}", fmt.factor(row.factor));
}
