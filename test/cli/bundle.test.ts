import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { currentBuild, ensureBundle, holdBundle, removeOldBuilds } from "../../bin/bundle.js";
import { tempDir } from "../helpers/warehouse.ts";

/** The files a module loads before it runs, following static imports only, and the packages they import. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    // esbuild writes static imports at the top level as `import "x";` or `import … from "x";`, the
    // names in braces over several lines when there are many (never `import(`: that is lazy).
    for (const m of text.matchAll(/^import\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"']+)["'];?$/gm)) {
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
    const entry: string = await ensureBundle();
    const { files, packages } = staticClosure(entry);
    // Split: what a start loads is part of the build's files, the rest waits for a command.
    const built = readdirSync(dirname(entry)).filter((f) => f.endsWith(".mjs"));
    expect(files.size).toBeGreaterThan(2);
    expect(files.size).toBeLessThan(built.length);
    // Every command needs these to start (options, config, the warehouse) ...
    for (const needed of ["commander", "js-yaml", "zod", "@duckdb/node-api"]) expect(packages).toContain(needed);
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
    folder("cli-eeeeeeeeeeeeeeee-mine", days(30)); // named like a build, but not one: never touched
    folder(".cli-ffffffffffffffff.backup", days(30)); // nor this
    writeFileSync(join(cache, "cli.mjs"), 'import "./cli-aaaaaaaaaaaaaaaa/cli.mjs";\n');

    // A CLI starting from cli-aaaa… marks it as in use.
    writeFileSync(join(cache, "cli-aaaaaaaaaaaaaaaa", "cli.mjs"), "");
    expect(currentBuild(join(cache, "cli.mjs"))?.path).toBe(join(cache, "cli-aaaaaaaaaaaaaaaa", "cli.mjs"));
    holdBundle(join(cache, "cli-aaaaaaaaaaaaaaaa", "cli.mjs"));
    expect(Date.now() - statSync(join(cache, "cli-aaaaaaaaaaaaaaaa")).mtimeMs).toBeLessThan(60_000);

    removeOldBuilds("cli-aaaaaaaaaaaaaaaa", cache);
    const names = ["cli-aaaaaaaaaaaaaaaa", "cli-bbbbbbbbbbbbbbbb", "cli-cccccccccccccccc", ".cli-dddddddddddddddd.123.partial", "mine", "cli-eeeeeeeeeeeeeeee-mine", ".cli-ffffffffffffffff.backup"];
    expect(names.filter((n) => existsSync(join(cache, n)))).toEqual([
      "cli-aaaaaaaaaaaaaaaa",
      "cli-cccccccccccccccc",
      "mine",
      "cli-eeeeeeeeeeeeeeee-mine",
      ".cli-ffffffffffffffff.backup",
    ]);
  });

  it("takes a build whose folder is gone for no build, so that the next start builds it again", () => {
    const cache = tempDir("arwatch-bundle-");
    writeFileSync(join(cache, "cli.mjs"), 'import "./cli-eeeeeeeeeeeeeeee/cli.mjs";\n');
    expect(currentBuild(join(cache, "cli.mjs"))).toBeNull();
    // An entry point of the single-file bundle before builds were split: no build either.
    writeFileSync(join(cache, "cli.mjs"), "var __defProp = Object.defineProperty;\n");
    expect(currentBuild(join(cache, "cli.mjs"))).toBeNull();
  });
});
