import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bucketLabels, loadConfig, parseConfig } from "../../core/config.ts";
import { parseYaml } from "../../core/yaml.ts";
import { tempDir } from "../helpers/warehouse.ts";

describe("parseConfig(input)", () => {
  it("fills the documented defaults", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ currency: "USD", aging: { basis: "due_date", buckets: [30, 60, 90, 120] }, badDebt: { maxDebtAgeDays: 180 }, creditStatus: { warnAt: 0.9 } });
  });

  it("fills notify, schedule and inbox defaults that work out of the box", () => {
    const c = parseConfig({});
    expect(c.notify).toMatchObject({ fallbackRecipients: ["ar-team@example.com"], financeRecipients: ["finance@example.com"], renotifyDays: 7, rules: { overLimit: true, overdueDays: [30, 60, 90] }, workList: { milestones: [-3, 0, 7, 30] } });
    expect(c.notify.rules.nearLimit).toBeUndefined();
    expect(c.schedule).toEqual({ cron: "0 6 * * *" });
    expect(c.ingest.inbox).toBe("data/inbox");
    expect(parseConfig({ schedule: { cron: "30 7 * * 1-5", timezone: "Asia/Ho_Chi_Minh" } }).schedule).toEqual({ cron: "30 7 * * 1-5", timezone: "Asia/Ho_Chi_Minh" });
  });

  it("is frozen, so no stage can change what another reads", () => {
    const c = parseConfig({});
    expect(() => (c.aging.buckets as number[]).push(150)).toThrow();
  });

  it.each([
    [{ aging: { buckets: [60, 30] } }, "f.yaml: aging.buckets = [60,30]: bounds must be strictly increasing"],
    [{ currency: "usd" }, 'f.yaml: currency = "usd": an ISO 4217 code such as USD, VND or THB'],
    [{ aging: { basis: "posting" } }, 'f.yaml: aging.basis = "posting": Invalid option: expected one of "due_date"|"document_date"'],
    [{ badDebt: { maxDebtAgeDays: -1 } }, "f.yaml: badDebt.maxDebtAgeDays = -1: Too small: expected number to be >=0"],
    [{ creditStatus: { warnAt: "high" } }, 'f.yaml: creditStatus.warnAt = "high": Invalid input: expected number, received string'],
    [{ agings: {} }, "f.yaml: agings: unknown key (check its spelling against the README's config keys)"],
    // What the engine cannot take is a config error naming the key, not a failure of the next ingest or build.
    [{ aging: { buckets: [30, 2 ** 31] } }, "f.yaml: aging.buckets.1 = 2147483648: at most 36500 days (100 years)"],
    [{ badDebt: { maxDebtAgeDays: 1e9 } }, "f.yaml: badDebt.maxDebtAgeDays = 1000000000: at most 36500 days (100 years)"],
    [{ aging: { buckets: [30.5] } }, "f.yaml: aging.buckets.0 = 30.5: Invalid input: expected int, received number"],
    [{ ingest: { dateFormats: ["%Y-%m-%d", "%Q/%m/%Y"] } }, 'f.yaml: ingest.dateFormats.1 = "%Q/%m/%Y": %Q is not a date format code (e.g. %d/%m/%Y; codes: '],
    [{ ingest: { dateFormats: ["%d/%m"] } }, 'f.yaml: ingest.dateFormats.0 = "%d/%m": must give a year, a month and a day (e.g. %d/%m/%Y)'],
    [{ ingest: { dateFormats: ["%d/%m/%Y%"] } }, 'f.yaml: ingest.dateFormats.0 = "%d/%m/%Y%": ends with an unfinished % code'],
    // Schedules and addresses fail when the config loads, not at the first 6 a.m. or the first send.
    [{ schedule: { cron: "61 6 * * *" } }, 'f.yaml: schedule.cron = "61 6 * * *": not a cron expression croner accepts'],
    [{ schedule: { cron: "every morning" } }, 'f.yaml: schedule.cron = "every morning": not a cron expression croner accepts'],
    [{ schedule: { timezone: "Asia/Saigon City" } }, 'f.yaml: schedule.timezone = "Asia/Saigon City": not an IANA time zone'],
    [{ notify: { fallbackRecipients: ["ar team@example.com"] } }, 'f.yaml: notify.fallbackRecipients.0 = "ar team@example.com": an e-mail address such as'],
    [{ notify: { financeRecipients: [] } }, "f.yaml: notify.financeRecipients = []: Too small"],
    [{ notify: { rules: { overdueDays: [60, 30] } } }, "f.yaml: notify.rules.overdueDays = [60,30]: must be strictly increasing"],
    [{ notify: { workList: { milestones: [0, -3] } } }, "f.yaml: notify.workList.milestones = [0,-3]: must be strictly increasing"],
    [{ notify: { rules: { nearLimit: 1.5 } } }, "f.yaml: notify.rules.nearLimit = 1.5: Too big"],
    [{ notify: { retry: {} } }, "f.yaml: notify.retry: unknown key"],
    [{ site: { baseUrl: "javascript:alert(1)" } }, 'f.yaml: site.baseUrl = "javascript:alert(1)": an http(s) address'],
  ])("names the key, the value and what was expected: %j", (input, message) => {
    expect(() => parseConfig(input, "f.yaml")).toThrow(message);
  });
});

describe("ingest.dateFormats", () => {
  it.each([["%d/%m/%Y"], ["%-d/%-m/%y"], ["%d %b %Y"], ["%Y%m%d"], ["%Y-%j"], ["%d.%m.%Y"]])("accepts %s", (format) => {
    expect(parseConfig({ ingest: { dateFormats: [format] } }).ingest.dateFormats).toEqual([format]);
  });
});

describe("loadConfig(file)", () => {
  it("reads YAML and reports a file that is not YAML", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ok.yaml"), "currency: VND\naging:\n  buckets: [30, 60, 90]\n");
    expect(loadConfig(join(dir, "ok.yaml"))).toMatchObject({ currency: "VND", aging: { buckets: [30, 60, 90] } });
    writeFileSync(join(dir, "bad.yaml"), "currency: [\n");
    expect(() => loadConfig(join(dir, "bad.yaml"))).toThrow(/bad\.yaml: not valid YAML/);
    expect(() => loadConfig(join(dir, "missing.yaml"))).toThrow(/config file not found/);
  });

  it("takes a file without a document for the defaults, and refuses a key given twice or a second document", () => {
    const dir = tempDir();
    const defaults = parseConfig({});
    for (const [name, text] of [["empty.yaml", ""], ["comments.yaml", "# nothing set yet\n\n# currency: VND\n"], ["null.yaml", "~\n"]]) {
      writeFileSync(join(dir, name!), text!);
      expect(loadConfig(join(dir, name!))).toEqual(defaults);
    }
    writeFileSync(join(dir, "twice.yaml"), "currency: VND\naging:\n  buckets: [30]\ncurrency: THB\n");
    expect(() => loadConfig(join(dir, "twice.yaml"))).toThrow(/twice\.yaml: not valid YAML: duplicated mapping key \(4:1\)/);
    // Ten levels of nine aliases would be 9^9 values to whatever walks them: refused at once.
    const bomb = ["x0: &a0 [" + Array(9).fill("lol").join(", ") + "]"];
    for (let i = 1; i < 10; i++) bomb.push(`x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
    writeFileSync(join(dir, "bomb.yaml"), [...bomb, "currency: *a9", ""].join("\n"));
    expect(() => loadConfig(join(dir, "bomb.yaml"))).toThrow(/bomb\.yaml: not valid YAML: aliases exceeded maxAliases \(20\) \(4:\d+\)/);
    // A few aliases are fine.
    expect(parseYaml("a: &x [30, 60]\nb: *x\nc: *x\n")).toEqual({ a: [30, 60], b: [30, 60], c: [30, 60] });
    writeFileSync(join(dir, "two.yaml"), "currency: VND\n---\ncurrency: THB\n");
    expect(() => loadConfig(join(dir, "two.yaml"))).toThrow("two.yaml: not valid YAML: expected one YAML document, found 2 (separated by ---)");
  });
});

describe("parseYaml(text)", () => {
  it("reads YAML 1.2's core schema: dates stay text, yes is no boolean, a merge key is a plain key", () => {
    expect(parseYaml("on: 2024-01-05\nflag: yes\nn: 0x1F\nt: true\n")).toEqual({ on: "2024-01-05", flag: "yes", n: 31, t: true });
    const merged = parseYaml("base: &b { currency: VND }\nother:\n  <<: *b\n") as { other: Record<string, unknown> };
    expect(Object.keys(merged.other)).toEqual(["<<"]);
    const polluting = parseYaml("__proto__: { polluted: 1 }\n") as object;
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(polluting)).toBe(Object.prototype);
  });
});

describe("bucketLabels(bounds)", () => {
  it.each([
    [[30, 60, 90, 120], ["not_due", "1-30", "31-60", "61-90", "91-120", "121+"]],
    [[30, 60, 90], ["not_due", "1-30", "31-60", "61-90", "91+"]],
    [[7], ["not_due", "1-7", "8+"]],
  ])("labels %j", (bounds, labels) => expect(bucketLabels(bounds)).toEqual(labels));
});

describe("expectedLoss.defaultAfterDays", () => {
  it("must be a bucket bound: a bucket cannot be partly in default", () => {
    expect(parseConfig({ expectedLoss: { defaultAfterDays: 90 } }).expectedLoss.defaultAfterDays).toBe(90);
    expect(() => parseConfig({ expectedLoss: { defaultAfterDays: 100 } })).toThrow("config: expectedLoss.defaultAfterDays = 100: must be one of the bounds of aging.buckets (30, 60, 90, 120)");
  });
});
