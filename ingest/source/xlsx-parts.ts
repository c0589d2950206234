import { posix } from "node:path";
import { XmlScanner, attributes, decodeEntities, scanPart, type XmlHandler } from "./xlsx-xml.ts";

/** A shared string item of one plain text: <t>…</t> (or <t xml:space="preserve">). */
const PLAIN_ITEM = /^<t(?:\s[^>]*)?>([^<]*)<\/t>$/;
import { isDateFormatCode, isDateFormatId } from "./xlsx-values.ts";
import type { XlsxPackage } from "./xlsx-zip.ts";

/**
 * The small parts of a workbook that say how to read a sheet: which part each sheet is, the
 * date system, which cell styles are dates, and the shared strings.
 */

export interface SheetEntry {
  name: string;
  /** The sheet's part, e.g. xl/worksheets/sheet1.xml; undefined when the sheet is a chart or dialog sheet. */
  part: string | undefined;
}

export interface Workbook {
  /** In tab order, hidden sheets included. */
  sheets: SheetEntry[];
  date1904: boolean;
  stylesPart: string | undefined;
  sharedStringsPart: string | undefined;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

/** The relationships part of `part` (OPC: its folder's _rels/<name>.rels). */
async function relationships(pkg: XlsxPackage, part: string): Promise<Relationship[]> {
  const relsPart = posix.join(posix.dirname(part), "_rels", `${posix.basename(part)}.rels`);
  if (!pkg.has(relsPart)) return [];
  const found: Relationship[] = [];
  await scanPart(await pkg.open(relsPart), {
    open(name, raw) {
      if (name !== "Relationship") return;
      const a = attributes(raw);
      if (a.TargetMode === "External" || !a.Id || !a.Target) return;
      // A target is relative to the part's folder, or absolute from the package root.
      const target = a.Target.startsWith("/") ? a.Target.slice(1) : posix.normalize(posix.join(posix.dirname(part), a.Target));
      found.push({ id: a.Id, type: a.Type ?? "", target });
    },
    close() {},
    text() {},
  });
  return found;
}

/** A relationship type by its last segment: transitional and strict OOXML differ only before it. */
const isType = (r: Relationship, kind: string) => r.type.endsWith(`/${kind}`);

export async function readWorkbook(pkg: XlsxPackage): Promise<Workbook | undefined> {
  const office = (await relationships(pkg, "")).find((r) => isType(r, "officeDocument"));
  const workbookPart = office?.target ?? "xl/workbook.xml";
  if (!pkg.has(workbookPart)) return undefined;
  const rels = await relationships(pkg, workbookPart);
  const listed: { name: string; id: string }[] = [];
  let date1904 = false;
  await scanPart(await pkg.open(workbookPart), {
    open(name, raw) {
      if (name === "workbookPr") {
        const value = attributes(raw).date1904;
        date1904 = value === "1" || value === "true";
      } else if (name === "sheet") {
        const a = attributes(raw);
        listed.push({ name: a.name ?? "", id: a.id ?? "" });
      }
    },
    close() {},
    text() {},
  });
  const sheets = listed.map(({ name, id }) => {
    const rel = rels.find((r) => r.id === id);
    return { name, part: rel && isType(rel, "worksheet") ? rel.target : undefined };
  });
  return {
    sheets,
    date1904,
    stylesPart: rels.find((r) => isType(r, "styles"))?.target,
    sharedStringsPart: rels.find((r) => isType(r, "sharedStrings"))?.target,
  };
}

/**
 * Which cell styles (the `s` of a cell, an index into cellXfs) show a date. Custom formats are
 * declared in numFmts; an xf names its format by id, custom or built-in.
 */
export async function readDateStyles(pkg: XlsxPackage, part: string | undefined): Promise<boolean[]> {
  if (!part || !pkg.has(part)) return [];
  const customCodes = new Map<number, string>();
  const formatIds: number[] = [];
  let inCellXfs = false;
  await scanPart(await pkg.open(part), {
    open(name, raw) {
      if (name === "numFmt") {
        const a = attributes(raw);
        customCodes.set(Number(a.numFmtId), a.formatCode ?? "");
      } else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) formatIds.push(Number(attributes(raw).numFmtId ?? 0));
    },
    close(name) {
      if (name === "cellXfs") inCellXfs = false;
    },
    text() {},
  });
  return formatIds.map((id) => {
    const code = customCodes.get(id);
    return code === undefined ? isDateFormatId(id) : isDateFormatCode(code);
  });
}

/**
 * Collects the text of a string item (a shared string, or a cell's inline string): its <t>, or
 * the <t> of each rich-text run, but not the phonetic reading (<rPh>) Excel keeps for East Asian
 * text, which is not shown in the cell.
 */
export class StringItem {
  private depthInPhonetic = 0;
  private inText = false;
  value = "";

  reset(): void {
    this.value = "";
    this.depthInPhonetic = 0;
    this.inText = false;
  }

  open(name: string): void {
    if (name === "rPh") this.depthInPhonetic++;
    else if (name === "t" && this.depthInPhonetic === 0) this.inText = true;
  }

  close(name: string): void {
    if (name === "rPh") this.depthInPhonetic--;
    else if (name === "t") this.inText = false;
  }

  text(text: string): void {
    if (this.inText) this.value += text;
  }
}

/** A workbook too large to read: its shared strings would not fit in memory. */
export class WorkbookTooLarge extends Error {}

/**
 * The most the shared string table may hold: 16M items (a million rows of 16 distinct texts), 256M
 * characters. An item costs memory well beyond its text (80 million one-letter items took 2 GB),
 * and no receivables workbook comes near either. Tests lower them.
 */
export const SHARED_STRINGS_LIMIT = { items: 1 << 24, characters: 1 << 28 };

/**
 * The shared string table, as cells refer to it by index. It is held in memory: a cell may name
 * any item, and the table holds each distinct text once (100,000 distinct invoice numbers are
 * about 3 MB of text), so it is the one part read whole; the sheet itself is streamed. Past
 * SHARED_STRINGS_LIMIT it is refused (WorkbookTooLarge), counted as it is read.
 */
export async function readSharedStrings(pkg: XlsxPackage, part: string | undefined, clean: (s: string) => string): Promise<string[]> {
  if (!part || !pkg.has(part)) return [];
  const { items, characters: characterLimit } = SHARED_STRINGS_LIMIT;
  const strings: string[] = [];
  let characters = 0;
  const tooLarge = () =>
    new WorkbookTooLarge(
      `the workbook is too large to read: its shared strings (each distinct text of its cells) pass ${items.toLocaleString("en")} items or ${characterLimit.toLocaleString("en")} characters`,
    );
  /** Counts text read, before it is kept: an item read tag by tag (one too long to take whole) as it arrives. */
  const count = (length: number) => {
    characters += length;
    if (characters > characterLimit) throw tooLarge();
  };
  const push = (text: string) => {
    if (strings.length >= items) throw tooLarge();
    strings.push(text);
  };
  const item = new StringItem();
  let inItem = false;
  const itemEvents: XmlHandler = { open: (name) => item.open(name), close: (name) => item.close(name), text: (text) => item.text(text) };
  const handler: XmlHandler = {
    // Each <si> whole: most are one <t>, read by a pattern; rich text is scanned tag by tag.
    rawElements: new Set(["si"]),
    raw(_name, _attributes, content) {
      const plain = PLAIN_ITEM.exec(content);
      if (plain) {
        const text = clean(decodeEntities(plain[1]!));
        count(text.length);
        return push(text);
      }
      item.reset();
      const scanner = new XmlScanner(itemEvents);
      scanner.write(content);
      scanner.end();
      count(item.value.length);
      push(clean(item.value));
    },
    // Tag by tag: an empty item (<si/>), or one too long to take whole.
    open(name) {
      if (name === "si") {
        inItem = true;
        item.reset();
      } else if (inItem) item.open(name);
    },
    close(name) {
      if (name === "si") {
        push(clean(item.value));
        inItem = false;
      } else if (inItem) item.close(name);
    },
    text(text) {
      if (!inItem) return;
      count(text.length);
      item.text(text);
    },
  };
  await scanPart(await pkg.open(part), handler);
  return strings;
}
