import { localiseChrome } from "./chrome.js";
import { codeLabels } from "./codes.js";
import { currentLocale, labels } from "./i18n.js";
import { formatter } from "./format.js";

/**
 * What every page needs from meta.json: the reader's language, its labels, the words for codes
 * and its formats. It also puts Framework's sidebar, title and footer into that language;
 * titleKey is the label key of the page's own name.
 */
export function pageSetup(meta, titleKey) {
  const locale = currentLocale(meta.locale);
  const t = labels(locale);
  // A build aged by document date counts days since the document, not past its due date.
  if (meta.aging_basis === "document_date") t.days_past_due = t.days_since_document;
  const fmt = formatter(meta, locale);
  const code = codeLabels(locale, t.none);
  const rate = fmt.rate;
  const showing = (n, total) => t.showing_of.replace("{n}", fmt.integer(n)).replace("{total}", fmt.integer(total));
  localiseChrome({ locale, t, fmt, meta, titleKey });
  return { locale, t, fmt, code, rate, showing };
}
