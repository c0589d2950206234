/**
 * How a cell's stored value is written as CSV text: numbers as plain decimals, date cells as ISO
 * dates, text as the decoded CSV path writes it (NFC, plain spaces).
 */
import { clean } from "./decode.ts";

/**
 * Built-in number formats (ECMA-376 18.8.30) that show a date: 14-17 and 22 everywhere, 27-36
 * and 50-58 in East Asian locales, 71-74, 77 and 81 in Thai ones. The time-only ones (18-21,
 * 45-47, the Thai 75-76 and 78-80) are not dates.
 */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58, 71, 72, 73, 74, 77, 81]);

export function isDateFormatId(id: number): boolean {
  return DATE_FORMAT_IDS.has(id);
}

/**
 * Whether a format code shows a date: it has a day, month-name, year or era part once its
 * literals ("…", \x), padding (_x, *x), colours, conditions and locales ([Red], [$-107041E],
 * [$-th-TH]) are set aside. A Thai format shows a Buddhist year (yyyy + 543, or bbbb) from the
 * same Gregorian serial, so it is a date like any other. Elapsed time ([h]:mm) is a duration and
 * a time-only format (h:mm, mm:ss) no date: such cells are written as the number they hold.
 */
export function isDateFormatCode(code: string): boolean {
  let s = code.replace(/"[^"]*"/g, "").replace(/\\./g, "").replace(/[_*]./g, "");
  if (/\[(h+|m+|s+)\]/i.test(s)) return false;
  s = s.replace(/\[[^\]]*\]/g, "").replace(/general/gi, "").replace(/[eE][+-]/g, "").replace(/AM\/PM|A\/P/gi, "");
  // d, y; e (a year in Excel's Thai and Asian locales), b (Buddhist year), g (era); mmm (a month's name); ว ด ป (Thai day, month, year).
  return /[dyebg]|m{3,}|[วดป]/i.test(s);
}

/** The text of a number, with no exponent: 1e21 as 1000000000000000000000, 1e-7 as 0.0000001. */
export function plainNumber(n: number): string {
  const text = String(n);
  const e = text.search(/e/i);
  if (e === -1) return text;
  const sign = text.startsWith("-") ? "-" : "";
  const mantissa = text.slice(sign.length, e);
  const exponent = Number(text.slice(e + 1));
  const digits = mantissa.replace(".", "");
  const point = (mantissa.indexOf(".") === -1 ? mantissa.length : mantissa.indexOf(".")) + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A number as OOXML stores it (xsd:double without INF, NaN or a leading "+"): what Number() reads exactly as written. */
const STORED_NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A numeric cell's stored value as a number, or undefined when it is none: Number() alone would
 * take 0x10, 0b11, " 12" and "" too, and a value such as "1,5" written as it is would split its
 * CSV record into one field more.
 */
export function storedNumber(stored: string): number | undefined {
  if (!STORED_NUMBER.test(stored)) return undefined;
  const n = Number(stored);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A numeric cell's stored text as a plain decimal, or undefined when it is no number (see
 * storedNumber). Whole numbers are written as stored (a 16-digit reference keeps its digits).
 * Others are read as the double they are and written at Excel's 15 significant digits, the
 * precision Excel shows: a formula's 0.1+0.2 is stored as 0.30000000000000004 and shown, and
 * written here, as 0.3; 1234.5 stays 1234.5.
 */
export function numberText(stored: string): string | undefined {
  if (/^-?[0-9]+$/.test(stored)) return stored === "-0" ? "0" : stored;
  // A plain decimal of at most 15 digits (Excel's 1234.5) is already the text sought.
  if (stored.length <= 16 && /^-?(0|[1-9][0-9]*)\.[0-9]*[1-9]$/.test(stored)) return stored;
  const n = storedNumber(stored);
  if (n === undefined) return undefined;
  const shown = Number(n.toPrecision(15));
  return plainNumber(shown === 0 ? 0 : shown);
}

/** The largest serial Excel shows as a date: 9999-12-31 in the 1900 system. */
const LAST_SERIAL_1900 = 2958465;
/** Day 0 of each system as days since 1970-01-01: 1899-12-30 (from serial 61 on) and 1904-01-01. */
const EPOCH_1900 = -25569;
const EPOCH_1904 = -24107;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The proleptic Gregorian date `days` after 1970-01-01, by integer arithmetic: no Date, no time zone. */
export function isoDay(days: number): string {
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`;
}

/**
 * A date cell's serial as the date Excel shows: YYYY-MM-DD, with " HH:MM:SS" when it has a time
 * of day (to the second, rounded). The 1900 system counts a 29 February 1900 that never was
 * (serial 60) so that its day 1 is 1900-01-01: serials 1-59 count from 1899-12-31, the rest from
 * 1899-12-30; serial 0 shows as 1900-01-00, and 60 as 1900-02-29. Those two are written as shown,
 * so that arwatch's date check refuses them as impossible dates, never guesses. The 1904 system
 * counts from 1904-01-01. A serial Excel shows no date for (negative, past 9999) stays a number.
 */
export function excelDate(serial: number, date1904: boolean): string | undefined {
  if (!(serial >= 0) || serial > (date1904 ? LAST_SERIAL_1900 - 1462 : LAST_SERIAL_1900)) return undefined;
  let day = Math.floor(serial);
  let seconds = Math.round((serial - day) * 86400);
  if (seconds === 86400) {
    day++;
    seconds = 0;
  }
  let date: string;
  if (date1904) date = isoDay(EPOCH_1904 + day);
  else if (day === 0) date = "1900-01-00";
  else if (day === 60) date = "1900-02-29";
  else date = isoDay(EPOCH_1900 + day + (day < 60 ? 1 : 0));
  if (seconds === 0) return date;
  return `${date} ${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
}

/** An ISO 8601 date cell (t="d", written by some tools) in the same form as a serial date cell; undefined when it is no such date. */
export function isoDateCell(stored: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.\d+)?)?(?:Z|[-+]\d{2}:\d{2})?$/.exec(stored);
  if (!m) return undefined;
  return m[2] && m[2] !== "00:00:00" ? `${m[1]} ${m[2]}` : m[1]!;
}

/**
 * A string cell's text: OOXML's _xHHHH_ escapes (Excel's _x000D_ for a carriage return) read, NFC,
 * plain spaces, and every line break LF, as decode.ts writes a CSV's: DuckDB's reader refuses a
 * file whose line ends differ, quoted ones included.
 */
export function cellText(stored: string): string {
  let text = stored.includes("_x") ? stored.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : stored;
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  return clean(text);
}

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
