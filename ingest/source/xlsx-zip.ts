import type { Readable } from "node:stream";
import yauzl from "yauzl";

/** The parts of an .xlsx package (a zip archive), read one at a time as streams. */
export interface XlsxPackage {
  /** Whether the package has the part (OPC part names compare without regard to case). */
  has(name: string): boolean;
  /** The part's bytes, inflated as they are read. */
  open(name: string): Promise<Readable>;
  close(): void;
}

/** A file that is not a zip archive: an .xls workbook and a password-protected .xlsx are OLE2 files. */
export class NotAZip extends Error {}

/** A part the archive lists but cannot give back (a damaged or encrypted entry). */
export class UnreadablePart extends Error {}

/**
 * Opens an .xlsx package. Only its central directory is read here: yauzl reads each part from
 * where the directory says it is, so the sheet can be read after the shared strings whatever the
 * order the writer put them in, and nothing but the part being read is held in memory.
 */
export async function openXlsxPackage(path: string): Promise<XlsxPackage> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (e, z) => (e ? reject(new NotAZip(e.message)) : resolve(z))),
  );
  const entries = new Map<string, yauzl.Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        // Some writers separate folders with backslashes; part names are compared without case.
        entries.set(entry.fileName.replaceAll("\\", "/").toLowerCase(), entry);
        zip.readEntry();
      });
      zip.on("end", resolve);
      zip.on("error", reject);
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw new NotAZip(e instanceof Error ? e.message : String(e));
  }
  return {
    has: (name) => entries.has(name.toLowerCase()),
    open: (name) =>
      new Promise<Readable>((resolve, reject) => {
        const entry = entries.get(name.toLowerCase());
        if (!entry) return reject(new UnreadablePart(`the workbook has no part ${name}`));
        zip.openReadStream(entry, (e, stream) => (e ? reject(new UnreadablePart(`its part ${name} cannot be read: ${e.message}`)) : resolve(stream)));
      }),
    close: () => zip.close(),
  };
}
