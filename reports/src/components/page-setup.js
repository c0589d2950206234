import { currentLocale, labels } from "./i18n.js";
import { formatter } from "./format.js";

/** What every page needs from meta.json: the reader's language, its labels and its formats. */
export function pageSetup(meta) {
  const locale = currentLocale(meta.locale);
  const t = labels(locale);
  const fmt = formatter(meta, locale);
  const rate = (value) => (value == null ? "–" : `${(Number(value) * 100).toFixed(2)} %`);
  const showing = (n, total) => t.showing_of.replace("{n}", fmt.integer(n)).replace("{total}", fmt.integer(total));
  return { locale, t, fmt, rate, showing };
}
