import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/warehouse.ts";

const BIN = fileURLToPath(new URL("../../bin/arwatch.js", import.meta.url));

let dir: string;

/** The real CLI, with a deadline: a FIFO that is waited on would otherwise block this test for ever. */
function ingestCli(path: string) {
  const result = spawnSync(process.execPath, [BIN, "ingest", path, "--db", join(dir, "w.duckdb")], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, signal: result.signal, lastLine: result.stderr.trim().split("\n").at(-1) };
}

beforeEach(() => {
  dir = tempDir();
  mkdirSync(join(dir, "in"));
});

describe("arwatch ingest refuses what it cannot read, in its own words", () => {
  it("exits 1 at once on a FIFO instead of waiting on it", () => {
    const fifo = join(dir, "in", "invoices.csv");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(ingestCli(fifo)).toEqual({
      status: 1,
      signal: null,
      lastLine: `arwatch: ${fifo}: a named pipe (FIFO), not a regular file: arwatch reads only regular files`,
    });
  });

  it("names a dangling symbolic link and its target, not a bare ENOENT", () => {
    const link = join(dir, "in", "payments.csv");
    symlinkSync("../gone/payments.csv", link);
    expect(ingestCli(join(dir, "in"))).toEqual({
      status: 1,
      signal: null,
      lastLine: `arwatch: ${link}: a symbolic link to ../gone/payments.csv, which does not exist`,
    });
  });
});
