import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureBundle, holdBundle, removeOldBuilds } from "../../bin/bundle.js";
import { tempDir } from "../helpers/warehouse.ts";

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

  it("removes an earlier build's folder only when no CLI has used it for a day", () => {
    const cache = tempDir("arwatch-bundle-");
    const days = (n: number) => new Date(Date.now() - n * 24 * 60 * 60 * 1000);
    const folder = (name: string, age: Date) => {
      mkdirSync(join(cache, name, "x"), { recursive: true });
      utimesSync(join(cache, name), age, age);
    };
    folder("cli-aaaaaaaaaaaaaaaa", days(3)); // the current one, however old
    folder("cli-bbbbbbbbbbbbbbbb", days(2)); // unused for two days: removed
    folder("cli-cccccccccccccccc", days(0.5)); // used half a day ago: kept
    folder(".cli-dddddddddddddddd.123.partial", days(2)); // a build killed while writing: removed
    folder("mine", days(30)); // not arwatch's: never touched
    writeFileSync(join(cache, "cli.mjs"), 'import "./cli-aaaaaaaaaaaaaaaa/cli.mjs";\n');

    // A CLI starting from cli-aaaa… marks it as in use.
    holdBundle(join(cache, "cli.mjs"));
    expect(Date.now() - statSync(join(cache, "cli-aaaaaaaaaaaaaaaa")).mtimeMs).toBeLessThan(60_000);

    removeOldBuilds("cli-aaaaaaaaaaaaaaaa", cache);
    expect(["cli-aaaaaaaaaaaaaaaa", "cli-bbbbbbbbbbbbbbbb", "cli-cccccccccccccccc", ".cli-dddddddddddddddd.123.partial", "mine"].filter((n) => existsSync(join(cache, n)))).toEqual([
      "cli-aaaaaaaaaaaaaaaa",
      "cli-cccccccccccccccc",
      "mine",
    ]);
  });
});
