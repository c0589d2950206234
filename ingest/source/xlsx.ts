import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { basename } from "node:path";
import { finished } from "node:stream/promises";
import { WorkbookTooLarge, readDateStyles, readSharedStrings, readWorkbook, type SheetEntry, type Workbook } from "./xlsx-parts.ts";
import { SheetProblem, SheetToCsv, type SheetContext } from "./xlsx-sheet.ts";
import { cellText } from "./xlsx-values.ts";
import { XmlError, scanPart } from "./xlsx-xml.ts";
import { NotAZip, UnreadablePart, openXlsxPackage, type XlsxPackage } from "./xlsx-zip.ts";

export type XlsxConverted = { rows: number; date1904: boolean } | { problem: { reason: string; line?: number } };

export interface XlsxOptions {
  /** The sheet's name, or its 1-based position among the workbook's tabs; default the first worksheet. */
  sheet?: string | number;
  /**
   * The decimal separator number cells (and numeric formula results) are written with, the one
   * the source reads its amounts with: 1234.5 is written 1234.5 with ".", "1234,5" (quoted) with
   * ",". Never a thousands separator, so a source reading "." as its thousands separator gets no
   * "." in a number cell. Default ".". Text cells are written as they are.
   */
  decimal?: "." | ",";
}

/**
 * Converts a sheet of an Excel workbook (.xlsx) into a UTF-8 CSV file that is read like any
 * CSV: record r is sheet row r (rows the sheet lacks are records of empty fields), every record as
 * wide as the sheet's used range, RFC 4180 quoting, every line ending in LF (as decode.ts
 * writes a CSV: DuckDB refuses mixed line ends, so a CR or CRLF in a cell becomes LF too). Cells are written as Excel
 * shows their value, in a form arwatch's mappings read: text as is (NFC, plain spaces, as the
 * CSV path decodes it), numbers as plain decimals with the source's decimal separator (options.decimal), booleans TRUE/FALSE, errors (#N/A) as their
 * text, formulas as their cached result, and date cells — a number in a date format, Thai
 * Buddhist-year formats included — as YYYY-MM-DD (with HH:MM:SS when there is a time of day),
 * from the serial in the workbook's date system (1900 or 1904) without any time zone.
 *
 * Every record is as wide as the sheet's used range, its <dimension>, or its widest row holding a
 * value when that is wider. A used range wider than WIDEST_DECLARED (256) columns is taken for
 * formatting, not data (Excel writes A1:XFD1048576 when whole rows are formatted): the records
 * are then as wide as the widest row holding a value. A sheet whose <dimension> is missing, too
 * narrow or set aside is converted a second time at the width found the first.
 *
 * A sheet past Excel's limits (a row after 1,048,576, a column after XFD, 16,384) is refused as a
 * problem at that row, as is a shared string table past its limits (xlsx-parts.ts); so is any
 * other failure to read the workbook, naming the file. Only a failure to write `target` is thrown.
 *
 * The sheet is streamed from the archive and written as it is read, waiting for the file to
 * drain, rows the sheet skips included; only the shared strings (each distinct text once) are
 * held in memory. `target` is created (flags "wx"): it must not exist.
 */
export async function xlsxToCsv(path: string, target: string, options: XlsxOptions = {}): Promise<XlsxConverted> {
  return readSheet(path, options, async (pkg, part, context) => {
    let width: number | undefined;
    for (;;) {
      const sheet = await writeSheet(pkg, part, target, { ...context, width });
      if (sheet.widest <= sheet.width) return { rows: sheet.rows, date1904: context.date1904 };
      // Cells past the width the sheet declared: write it again, as wide as it is.
      await rm(target);
      width = sheet.widest;
    }
  });
}

/**
 * The CSV text of a sheet's first `rows` rows, exactly as xlsxToCsv writes them (record r is
 * sheet row r, as wide as the sheet): what a source's header is recognised in. The sheet is
 * streamed and its reading stops past that row, so a large workbook's head costs its shared
 * strings and the sheet's first pieces, not the whole sheet. A workbook that cannot be read is a
 * problem, as in xlsxToCsv.
 */
export async function xlsxHeadCsv(path: string, options: XlsxOptions & { rows: number }): Promise<{ text: string } | { problem: { reason: string; line?: number } }> {
  return readSheet(path, options, async (pkg, part, context) => {
    let width: number | undefined;
    for (;;) {
      const sheet = await readSheetHead(pkg, part, { ...context, width, lastRow: options.rows });
      if (sheet.widest <= sheet.width) return { text: sheet.queued.map((q) => (typeof q === "string" ? q : q.record.repeat(q.times))).join("") + sheet.output };
      width = sheet.widest;
    }
  });
}

/**
 * Opens the workbook, chooses the sheet and reads what its cells need (date styles, shared
 * strings), then hands them to `read`; every failure to read the workbook is a problem naming it.
 */
async function readSheet<T>(
  path: string,
  options: XlsxOptions,
  read: (pkg: XlsxPackage, part: string, context: Omit<SheetContext, "width">) => Promise<T>,
): Promise<T | { problem: { reason: string; line?: number } }> {
  let pkg: XlsxPackage;
  try {
    pkg = await openXlsxPackage(path);
  } catch (e) {
    if (!(e instanceof NotAZip)) throw e;
    return { problem: { reason: "not an Excel workbook (.xlsx): the file is no zip archive (an Excel 97-2003 .xls, or a password-protected workbook? save it as .xlsx without a password)" } };
  }
  try {
    const workbook = await readWorkbook(pkg);
    if (!workbook) return { problem: { reason: "not an Excel workbook (.xlsx): the archive has no workbook part" } };
    const chosen = chooseSheet(workbook, options.sheet);
    if ("problem" in chosen) return chosen;
    const [dateStyles, sharedStrings] = await Promise.all([
      readDateStyles(pkg, workbook.stylesPart),
      readSharedStrings(pkg, workbook.sharedStringsPart, cellText),
    ]);
    return await read(pkg, chosen.part, { sharedStrings, dateStyles, date1904: workbook.date1904, decimal: options.decimal });
  } catch (e) {
    if (e instanceof SheetProblem) return { problem: { reason: e.message, line: e.line } };
    if (e instanceof WorkbookTooLarge) return { problem: { reason: e.message } };
    if (e instanceof XmlError || e instanceof UnreadablePart) return { problem: { reason: `the workbook is damaged: ${e.message}` } };
    if (e instanceof TargetFailure) throw e.cause;
    // Anything else (a RangeError, a string too long for the engine) is still this workbook's doing.
    return { problem: { reason: `the workbook ${basename(path)} cannot be read: ${e instanceof Error ? e.message : String(e)}` } };
  } finally {
    pkg.close();
  }
}

function chooseSheet(workbook: Workbook, wanted: string | number | undefined): { part: string } | { problem: { reason: string } } {
  const names = workbook.sheets.map((s) => JSON.stringify(s.name)).join(", ");
  let sheet: SheetEntry | undefined;
  if (wanted === undefined) {
    sheet = workbook.sheets.find((s) => s.part !== undefined);
    if (!sheet) return { problem: { reason: `the workbook has no worksheet (its sheets: ${names || "none"})` } };
  } else if (typeof wanted === "number") {
    sheet = workbook.sheets[wanted - 1];
    if (!sheet) return { problem: { reason: `the workbook has no sheet ${wanted}: it has ${workbook.sheets.length} (${names})` } };
  } else {
    // Excel's sheet names are unique without regard to case.
    sheet = workbook.sheets.find((s) => s.name === wanted) ?? workbook.sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
    if (!sheet) return { problem: { reason: `the workbook has no sheet named ${JSON.stringify(wanted)} (its sheets: ${names})` } };
  }
  if (sheet.part === undefined) return { problem: { reason: `the sheet ${JSON.stringify(sheet.name)} is a chart, not a worksheet of cells` } };
  return { part: sheet.part };
}

/** A failure to write the CSV (the target exists, the disk is full): the caller's to handle, not the workbook's. */
class TargetFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Thrown to stop reading a sheet once its head is read. */
class HeadRead extends Error {}

/** Reads a sheet up to context.lastRow, then stops inflating it. */
async function readSheetHead(pkg: XlsxPackage, part: string, context: SheetContext): Promise<SheetToCsv> {
  const sheet = new SheetToCsv(context);
  try {
    await scanPart(await pkg.open(part), sheet, () => {
      if (sheet.done) throw new HeadRead();
    });
  } catch (e) {
    if (!(e instanceof HeadRead)) throw e;
  }
  return sheet;
}

/** Characters of empty records written at a time, for a row far below the last. */
const EMPTY_RUN = 1 << 20;

/** Streams one sheet into `target`, flushing after each inflated piece and waiting while the file drains. */
async function writeSheet(pkg: XlsxPackage, part: string, target: string, context: SheetContext): Promise<SheetToCsv> {
  const sheet = new SheetToCsv(context);
  const out = createWriteStream(target, { flags: "wx" });
  let failure: unknown;
  out.on("error", (e) => (failure ??= e));
  const write = async (text: string) => {
    if (failure) throw new TargetFailure(failure);
    // `once` rejects if the file fails meanwhile.
    if (!out.write(text)) await once(out, "drain").catch((e: unknown) => Promise.reject(new TargetFailure(e)));
  };
  const flush = async (last = false) => {
    if (failure) throw new TargetFailure(failure);
    for (const queued of sheet.queued.splice(0)) {
      if (typeof queued === "string") await write(queued);
      else {
        const perRun = Math.max(1, Math.floor(EMPTY_RUN / queued.record.length));
        const run = queued.record.repeat(Math.min(perRun, queued.times));
        for (let left = queued.times; left > 0; left -= perRun) await write(left >= perRun ? run : queued.record.repeat(left));
      }
    }
    // Written in pieces of 64K characters or more: fewer, larger writes.
    if (sheet.output === "" || (!last && sheet.output.length < 1 << 16)) return;
    const text = sheet.output;
    sheet.output = "";
    await write(text);
  };
  try {
    await scanPart(await pkg.open(part), sheet, () => flush());
    await flush(true);
  } finally {
    out.end();
    await finished(out).catch((e: unknown) => (failure ??= e));
  }
  if (failure) throw new TargetFailure(failure);
  return sheet;
}
