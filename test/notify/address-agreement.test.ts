import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openWarehouse } from "../../core/warehouse.ts";
import { isValidAddress } from "../../notify/render/address.ts";

// The data-quality page's "no collector address" (a SQL mart) and the notifier's choice of
// recipient (zod's check in TypeScript) must agree on every address, or a customer could be listed
// as reachable while its alerts go to the fallback recipients, or the other way round.
const MART = readFileSync(new URL("../../models/marts/rpt_alerts_no_collector_address.sql", import.meta.url), "utf8");
const sqlPattern = /regexp_full_match\(\s*lower\(trim\(collector_email\)\),\s*'((?:[^']|'')*)'/.exec(MART)![1]!.replaceAll("''", "'");

const ADDRESSES = [
  "lan.nguyen@example.com",
  "o'brien@example.co.th",
  "a+b@sub.example.vn",
  "x@localhost",
  "two words@example.com",
  "a@b@example.com",
  "name <a@example.com>",
  "a@example.com, b@example.com",
  "a@example.com\r\nbcc: evil@example.com",
  ".dot@example.com",
  "dot.@example.com",
  "a@-example.com",
  "a@example.c",
  "Nguyễn@example.com",
  `${"a".repeat(250)}@example.com`,
  "",
];

describe("one definition of a valid collector address", () => {
  it("the mart's pattern is zod's e-mail pattern, character for character", () => {
    expect(`^${sqlPattern}$`).toBe(z.regexes.email.source);
  });

  it.each(ADDRESSES)("the mart and the notifier agree on %j", async (address) => {
    const wh = await openWarehouse(":memory:");
    try {
      const [row] = await wh.all<{ valid: boolean }>(
        "select coalesce(length(lower(trim($1))) <= 254 and regexp_full_match(lower(trim($1)), $2), false) as valid",
        [address, sqlPattern],
      );
      expect(row!.valid).toBe(isValidAddress(address.trim().toLowerCase()));
    } finally {
      wh.close();
    }
  });

  it("tells the hand-picked cases apart as the definition says", () => {
    expect(["lan.nguyen@example.com", "o'brien@example.co.th", "a+b@sub.example.vn"].every((a) => isValidAddress(a))).toBe(true);
    expect(["x@localhost", "two words@example.com", "name <a@example.com>", "a@example.com\r\nbcc: evil@example.com", "Nguyễn@example.com"].some((a) => isValidAddress(a))).toBe(false);
  });
});
