import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureBundle } from "../../bin/bundle.js";

/** The files a module loads before it runs, following static imports only, and the packages they import. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    // esbuild writes static imports at the top level as `import … from "x";` or `import "x";`.
    for (const m of text.matchAll(/^import(?:[^"'\n]*?from)?\s*["']([^"']+)["'];?$/gm)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) visit(join(dirname(file), spec));
      else if (!spec.startsWith("node:")) packages.add(spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/"));
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the CLI's bundle", () => {
  it("starts without the packages only some commands use: they load with the command", async () => {
    const bundle: string = await ensureBundle();
    const { files, packages } = staticClosure(bundle);
    expect(files.size).toBeGreaterThan(1);
    // Every command needs these to start (options, config, the warehouse) ...
    expect(packages).toContain("commander");
    // ... but not these: e-mail (notify) and the XLSX reader (ingest of .xlsx).
    for (const lazy of ["nodemailer", "yauzl"]) expect(packages).not.toContain(lazy);
  });
});
