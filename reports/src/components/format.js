// Numbers, money and dates through Intl in the reader's language. Money arrives as exact decimal
// strings and Intl formats strings without a float in between; the currency's own minor units
// (VND none, USD and THB two) decide the decimals. Thai dates use the Buddhist calendar.
const INTL_LOCALES = { en: "en-GB", vi: "vi-VN", th: "th-TH-u-ca-buddhist" };

export function formatter(meta, locale) {
  const tag = INTL_LOCALES[locale] ?? "en-GB";
  const digits = meta.minor_units;
  const money = new Intl.NumberFormat(tag, { style: "currency", currency: meta.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  const plain = new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const twoDecimals = new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(tag, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const ratePercent = new Intl.NumberFormat(tag, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(tag, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  const month = new Intl.DateTimeFormat(tag, { year: "numeric", month: "short", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" });
  const nothing = "–";
  return {
    money: (value) => (value == null ? nothing : money.format(String(value))),
    amount: (value) => (value == null ? nothing : plain.format(String(value))),
    integer: (value) => (value == null ? nothing : integer.format(String(value))),
    days: (value) => (value == null ? nothing : oneDecimal.format(String(value))),
    factor: (value) => (value == null ? nothing : twoDecimals.format(String(value))),
    // A rate the marts give as a fraction (0.1234 → 12.34 %), with the locale's decimal mark.
    rate: (value) => (value == null ? nothing : ratePercent.format(Number(value))),
    share: (part, whole) => (whole == null || Number(whole) === 0 ? nothing : percent.format(Number(part) / Number(whole))),
    date: (iso) => (iso == null ? nothing : date.format(new Date(`${iso}T00:00:00Z`))),
    month: (iso) => (iso == null ? nothing : month.format(new Date(`${iso}T00:00:00Z`))),
    // A chart's time axis hands over Date objects at UTC midnight: month names in the reader's language.
    monthOf: (d) => (d == null ? nothing : month.format(d)),
    dateTime: (iso) => (iso == null ? nothing : dateTime.format(new Date(iso))),
  };
}
