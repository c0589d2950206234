import { StringItem } from "./xlsx-parts.ts";
import { XmlScanner, attributes, decodeEntities, type XmlHandler } from "./xlsx-xml.ts";
import { cellText, csvField, excelDate, isoDateCell, numberText, storedNumber } from "./xlsx-values.ts";

/** What a sheet's cells are read with. */
export interface SheetContext {
  sharedStrings: string[];
  /** By cell style index (a cell's `s`): whether the style's number format shows a date. */
  dateStyles: boolean[];
  date1904: boolean;
  /** The decimal separator numbers are written with (the source's); "." when undefined. Never a thousands separator. */
  decimal?: "." | ",";
  /** Fields in every record; undefined: the sheet's <dimension>, its used range, says. */
  width: number | undefined;
  /** Only the sheet's first rows, up to this one, are read (its head, to recognise its header); undefined: all. */
  lastRow?: number;
}

/** Excel's last row and column (XFD): a sheet past them is no sheet Excel wrote, and would make records without end. */
export const LAST_ROW = 1_048_576;
export const LAST_COLUMN = 16_384;
/**
 * The widest <dimension> taken as the sheet's width. Excel declares the used range, formatted
 * empty cells included, and a workbook whose whole rows are formatted says A1:XFD1048576: past
 * this many columns the records are as wide as the widest row actually holding a value instead.
 */
export const WIDEST_DECLARED = 256;
/** Empty records for rows the sheet skips are handed to the writer in runs of about this many characters. */
const GAP_RUN = 1 << 16;

/** Records of empty fields for rows the sheet lacks: `times` copies of `record`, to be written in runs. */
export interface EmptyRecords {
  record: string;
  times: number;
}

/** A row's number, when its r is the first attribute, as written by Excel. */
const ROW_NUMBER = /^\s+r="(\d+)"/;
/** A cell without prefix, from where the last one ended: its attributes, its content (none when it closes itself). */
const CELL = /\s*<c(?=[\s/>])([^>]*?)(?:\/>|>(.*?)<\/c>)/sy;
/** A cell's content: an optional formula (its text, or shared: <f …/>), an optional value. */
const CELL_CONTENT = /^(?:<f(?:\s[^>]*)?(?:\/>|>[^<]*<\/f>))?(?:<v>([^<]*)<\/v>)?$/;

/** A sheet that cannot be read as written, at a sheet row. */
export class SheetProblem extends Error {
  constructor(
    reason: string,
    readonly line?: number,
  ) {
    super(reason);
  }
}

const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;

/** The 1-based column of a cell reference: A1 → 1, AB12 → 28. */
export function columnOf(ref: string): number {
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i) & ~32; // upper case
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
  }
  return column;
}

/**
 * Turns a worksheet's XML, as it streams past, into CSV records in `output` (drained by the
 * caller). Sheet row r is CSV record r: a row the sheet does not have (Excel writes no empty row)
 * is a record of empty fields, which arwatch reads as a blank row, never as data, yet which keeps
 * every later record's number equal to the row a user sees in Excel. Every record has the same
 * number of fields, the sheet's width, as Excel's own "Save as CSV" writes them: a row whose last
 * cells are empty is no short record.
 */
export class SheetToCsv implements XmlHandler {
  readonly rawElements: ReadonlySet<string> = new Set(["row"]);
  /**
   * What is written before `output`, in order: text, and long runs of empty records (a row far
   * below the last), which the writer writes a run at a time, waiting for the file to drain.
   */
  queued: (string | EmptyRecords)[] = [];
  output = "";
  /** Records written: the last sheet row. */
  rows = 0;
  /** The rightmost column holding a value; when past `width`, those values were not written. */
  widest = 0;
  width: number;
  /** The rows up to context.lastRow are read: any later row is passed over, and the reader may stop. */
  done = false;
  private readonly fixedWidth: boolean;
  private readonly lastRow: number;
  private inSheetData = false;
  private inRow = false;
  private row = 0;
  private fields: string[] = [];
  private column = 0;
  private ref = "";
  private type = "n";
  private style = 0;
  private value = "";
  private inValue = false;
  private inInline = false;
  private readonly inline = new StringItem();

  constructor(private readonly context: SheetContext) {
    this.width = context.width ?? 0;
    this.fixedWidth = context.width !== undefined;
    this.lastRow = context.lastRow ?? LAST_ROW;
  }

  open(name: string, raw: string): void {
    if (name === "c" && this.inRow) {
      this.readCellAttributes(raw);
      this.nextColumn();
      this.value = "";
      this.inline.reset();
    } else if (name === "v") this.inValue = this.inRow;
    else if (name === "is") this.inInline = this.inRow;
    else if (this.inInline) this.inline.open(name);
    else if (name === "row" && this.inSheetData && !this.done) this.startRow(attributes(raw).r);
    else if (name === "sheetData") this.inSheetData = true;
    else if (name === "dimension" && !this.fixedWidth) {
      // ref="A1:F100001" (or "A1" for a one-cell range): the width is the last column's.
      const ref = attributes(raw).ref ?? "";
      const declared = columnOf(ref.slice(ref.indexOf(":") + 1));
      this.width = declared <= WIDEST_DECLARED ? declared : 0;
    }
  }

  close(name: string): void {
    if (name === "v") this.inValue = false;
    else if (name === "c" && this.inRow) this.endCell();
    else if (name === "is") this.inInline = false;
    else if (this.inInline) this.inline.close(name);
    else if (name === "row" && this.inRow) this.endRow();
    else if (name === "sheetData") this.inSheetData = false;
  }

  text(text: string): void {
    if (this.inValue) this.value += text;
    else if (this.inInline) this.inline.text(text);
  }

  /**
   * A cell's reference (r), type (t) and style (s), read in place: the sheet has a cell for
   * nearly every value, so this skips the general attribute reader's object and name strings.
   * Any other attribute (cm, vm, ph) is passed over.
   */
  private readCellAttributes(raw: string): void {
    this.ref = "";
    this.type = "n";
    this.style = 0;
    let i = 0;
    for (let eq = raw.indexOf("="); eq !== -1; eq = raw.indexOf("=", i)) {
      let q = eq + 1;
      while (isSpace(raw.charCodeAt(q))) q++;
      const quote = raw[q];
      const end = quote === '"' || quote === "'" ? raw.indexOf(quote, q + 1) : -1;
      if (end === -1) return this.readCellAttributesSlowly(raw);
      let nameEnd = eq;
      while (isSpace(raw.charCodeAt(nameEnd - 1))) nameEnd--;
      // A one-letter name, after a space: r, s or t.
      if (nameEnd >= 2 && isSpace(raw.charCodeAt(nameEnd - 2))) {
        const letter = raw.charCodeAt(nameEnd - 1);
        if (letter === 114 /* r */) this.ref = raw.slice(q + 1, end);
        else if (letter === 116 /* t */) this.type = raw.slice(q + 1, end);
        else if (letter === 115 /* s */) this.style = Number(raw.slice(q + 1, end));
      }
      i = end + 1;
    }
  }

  /** The general reader, for what the quick one does not expect (an unquoted value: a damaged part). */
  private readCellAttributesSlowly(raw: string): void {
    const a = attributes(raw);
    this.ref = a.r ?? "";
    this.type = a.t ?? "n";
    this.style = a.s ? Number(a.s) : 0;
  }

  /**
   * A whole row. Its cells, as Excel and most writers lay them out — <c …/>, or <c …> holding an
   * optional formula and a <v>alue, no prefixes — are read by two patterns per cell; a row holding
   * anything else (an inline string, a comment, a prefix, a cell out of that shape) is scanned tag
   * by tag instead, which also refuses what is not XML.
   */
  raw(name: string, attrs: string, content: string): void {
    if (!this.inSheetData || this.done) return;
    if (!this.startRow(ROW_NUMBER.exec(attrs)?.[1] ?? attributes(attrs).r)) return;
    if (!this.quickCells(content)) {
      this.fields.fill("");
      this.column = 0;
      const cells = new XmlScanner(this);
      cells.write(content);
      cells.end();
    }
    this.endRow();
  }

  /** The row's cells by pattern; false (some cells perhaps already read) when the row is not of the usual shape. */
  private quickCells(content: string): boolean {
    CELL.lastIndex = 0;
    let at = 0;
    while (at < content.length) {
      const m = CELL.exec(content);
      if (!m) return content.slice(at).trim() === "";
      this.readCellAttributes(m[1]!);
      this.nextColumn();
      const inner = m[2];
      if (inner) {
        const v = CELL_CONTENT.exec(inner);
        if (!v) return false;
        const stored = v[1] ?? "";
        this.value = stored.includes("&") ? decodeEntities(stored) : stored;
      } else this.value = "";
      this.endCell();
      at = CELL.lastIndex;
    }
    return true;
  }

  /** The cell's column: its reference's, or the one after the last cell's. */
  private nextColumn(): void {
    this.column = this.ref ? columnOf(this.ref) : this.column + 1;
    if (this.column > LAST_COLUMN) {
      const ref = this.ref.length > 20 ? `${this.ref.slice(0, 20)}…` : this.ref;
      throw new SheetProblem(`cell ${ref || `in column ${this.column}`} is past Excel's last column, XFD (${LAST_COLUMN}): a damaged file?`, this.row);
    }
  }

  /** Starts a row; false when it is past context.lastRow, which is then the last record, and the row is passed over. */
  private startRow(r: string | undefined): boolean {
    const row = r === undefined ? this.rows + 1 : Number(r);
    if (!Number.isInteger(row) || row <= this.rows) {
      throw new SheetProblem(`the sheet's rows are out of order: row ${r} comes after row ${this.rows}`, this.rows + 1);
    }
    if (row > LAST_ROW) throw new SheetProblem(`row ${r} is past Excel's last row, ${LAST_ROW}: a damaged file?`, this.rows + 1);
    // Excel writes no empty rows: an empty record for each keeps the numbering (up to the last row read).
    const missing = Math.min(row, this.lastRow + 1) - this.rows - 1;
    if (missing > 0) {
      const empty = this.record(new Array<string>(this.width).fill(""));
      if (missing * empty.length <= GAP_RUN) this.output += empty.repeat(missing);
      else {
        // Up to a million records of up to 16,384 fields: the writer writes them a run at a time.
        if (this.output !== "") this.queued.push(this.output);
        this.queued.push({ record: empty, times: missing });
        this.output = "";
      }
    }
    if (row > this.lastRow) {
      this.rows = this.lastRow;
      this.done = true;
      return false;
    }
    this.row = row;
    this.fields = new Array<string>(this.width).fill("");
    this.column = 0;
    this.inRow = true;
    return true;
  }

  private endCell(): void {
    const field = this.cellField();
    if (field === "") return;
    if (this.column > this.widest) this.widest = this.column;
    if (this.column <= this.width) this.fields[this.column - 1] = field;
  }

  private endRow(): void {
    this.output += this.record(this.fields);
    this.rows = this.row;
    this.inRow = false;
  }

  /** One CSV record. A lone empty field is written quoted: an empty line is one DuckDB skips. */
  private record(fields: string[]): string {
    return fields.length <= 1 && !fields[0] ? '""\n' : `${fields.join(",")}\n`;
  }

  /** A cell whose stored value is not of its type: refused, never written as it is (a "1,5" would shift the record's fields). */
  private notA(kind: string): never {
    const shown = this.value.length > 40 ? `${this.value.slice(0, 40)}…` : this.value;
    throw new SheetProblem(`cell ${this.ref || `in column ${this.column}`} holds ${JSON.stringify(shown)}, which is no ${kind} (a damaged file?)`, this.row);
  }

  /** The cell's value as a CSV field, by its type (ECMA-376 18.18.11 ST_CellType). */
  private cellField(): string {
    const { value } = this;
    // A cell with no value (a styled empty cell, a formula never calculated) is an empty field, whatever its type.
    if (value === "" && this.type !== "inlineStr") return "";
    switch (this.type) {
      case "s": {
        // An index: digits only, or Number() would take " 1" or "0x1" as one.
        const text = /^\d+$/.test(value) ? this.context.sharedStrings[Number(value)] : undefined;
        if (text === undefined) {
          throw new SheetProblem(`cell ${this.ref} names shared string ${value}, which the workbook does not have (a damaged file?)`, this.row);
        }
        return csvField(text);
      }
      case "inlineStr":
        return csvField(cellText(this.inline.value));
      case "str": // a formula's text result
        return csvField(cellText(value));
      case "b":
        if (value === "1") return "TRUE";
        if (value === "0") return "FALSE";
        throw this.notA("boolean (0 or 1)");
      case "e": // #N/A, #DIV/0!, #REF!: as Excel shows them
        return csvField(value);
      case "d":
        return isoDateCell(value) ?? this.notA("date (YYYY-MM-DD, ISO 8601)");
      default: {
        if (this.context.dateStyles[this.style]) {
          const serial = storedNumber(value);
          const date = serial === undefined ? undefined : excelDate(serial, this.context.date1904);
          if (date !== undefined) return date;
        }
        const number = numberText(value) ?? this.notA("number");
        // With a decimal comma the field holds a comma: quoted, as RFC 4180 needs.
        return this.context.decimal === "," && number.includes(".") ? `"${number.replace(".", ",")}"` : number;
      }
    }
  }
}
