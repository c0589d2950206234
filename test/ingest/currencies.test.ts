import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { literal } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { CUSTOMER_HEADER, INVOICE_HEADER, PAYMENT_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

/**
 * Several currencies (issue 10), the ingest part: a `currency` column holds any ISO 4217 code
 * (empty: the configured, functional currency), an amount is checked against its own row's
 * currency's minor unit, and fx_rates holds what one unit of a currency is worth in the
 * functional one. Messages are written out from the extract contract (README), not copied from a run.
 */

const NOT_A_CODE = "not an ISO 4217 currency code (e.g. USD, VND, THB)";
const NOT_A_RATE = "not a positive rate with at most 12 decimals (e.g. 25400 or 0.0000393)";
const FUNCTIONAL_RATE = "the functional currency's rate is 1";
const noMinorUnit = (code: string) => `${code} has no minor unit: an amount with more decimals is a mistake`;
const FX_HEADER = "rate_date,currency,rate";

const open: IngestWorkspace[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});

async function workspace(config: unknown = {}): Promise<IngestWorkspace> {
  const w = await openIngestWorkspace(parseConfig(config));
  open.push(w);
  return w;
}

const lines = (header: string, ...rows: string[]) => `${header}\n${rows.join("\n")}\n`;

/** fx_rates' contract columns, the rate as DuckDB's exact text of its DECIMAL(24,12). */
async function rates(w: IngestWorkspace) {
  return w.wh.all(`select rate_date, currency, rate::varchar as rate from raw.fx_rates order by rate_date, currency`);
}

describe("currency columns hold any ISO 4217 code", () => {
  it("loads a mixed-currency invoices and payments file: codes upper-cased, an empty one null (the functional currency)", async () => {
    const w = await workspace({ currency: "THB" });
    const invoices = w.write(
      "invoices.csv",
      lines(
        INVOICE_HEADER,
        'I1,C1,invoice,2024-01-15,,"1,234.50",usd,',
        "I2,C1,invoice,2024-01-16,,1500000,VND,",
        "I3,C1,invoice,2024-01-17,,100.25,,",
        "I4,C1,invoice,2024-01-18,,99.99, Eur ,",
      ),
    );
    const payments = w.write("payments.csv", lines(PAYMENT_HEADER, "P1,C1,2024-02-01,1234.50,USD,I1", "P2,C1,2024-02-02,750000,vnd,I2", "P3,C1,2024-02-03,100.25,,I3"));
    await w.load(invoices, payments);
    expect(await w.wh.all("select document_id, amount, currency from raw.invoices order by document_id")).toEqual([
      { document_id: "I1", amount: "1234.50", currency: "USD" },
      { document_id: "I2", amount: "1500000.00", currency: "VND" },
      { document_id: "I3", amount: "100.25", currency: null },
      { document_id: "I4", amount: "99.99", currency: "EUR" },
    ]);
    expect(await w.wh.all("select payment_id, amount, currency from raw.payments order by payment_id")).toEqual([
      { payment_id: "P1", amount: "1234.50", currency: "USD" },
      { payment_id: "P2", amount: "750000.00", currency: "VND" },
      { payment_id: "P3", amount: "100.25", currency: null },
    ]);
  });

  it("refuses a value that is no ISO 4217 code, naming file, line, column and value as written", async () => {
    const w = await workspace();
    const e = await w.rejection(w.write("invoices-x.csv", lines(INVOICE_HEADER, "I1,C1,invoice,2024-01-15,,10,EURO,", "I2,C1,invoice,2024-01-15,,10,xyz,", "I3,C1,invoice,2024-01-15,,10,THB,")));
    expect(e.details).toEqual([`invoices-x.csv line 2, column currency, value "EURO": ${NOT_A_CODE}`, `invoices-x.csv line 3, column currency, value "xyz": ${NOT_A_CODE}`]);
    expect(await w.wh.all("select count(*)::INTEGER as n from raw.invoices")).toEqual([{ n: 0 }]);
  });
});

describe("a payment is in one currency", () => {
  it("refuses a payment whose rows are in two currencies, an empty one being the functional currency", async () => {
    // P1's rows: USD then VND; P2's: USD then empty (THB). Unapplied cash is one open item per payment, in its currency.
    const w = await workspace({ currency: "THB" });
    const e = await w.rejection(
      w.write("payments.csv", lines(PAYMENT_HEADER, "P1,C1,2024-02-01,10.00,USD,I1", "P1,C1,2024-02-01,5000,VND,I2", "P2,C1,2024-02-01,10.00,USD,I1", "P2,C1,2024-02-01,10.00,,I2")),
    );
    expect(e.details).toEqual([
      'payments.csv line 3, column currency, value "VND": payment_id "P1" already has currency "USD": a payment is in one currency (first on line 2)',
      'payments.csv line 5, column currency, value (empty): payment_id "P2" already has currency "USD": a payment is in one currency (first on line 4)',
    ]);
    expect(await w.wh.all("select count(*)::INTEGER as n from raw.payments")).toEqual([{ n: 0 }]);
  });

  it("loads a payment whose rows say THB and leave the currency empty, in a THB company: one currency", async () => {
    const w = await workspace({ currency: "THB" });
    await w.load(w.write("payments.csv", lines(PAYMENT_HEADER, "P1,C1,2024-02-01,10.00,THB,I1", "P1,C1,2024-02-01,20.00,,I2")));
    expect(await w.wh.all("select count(*)::INTEGER as n from raw.payments")).toEqual([{ n: 2 }]);
  });
});

describe("an amount has no more decimals than its own row's currency", () => {
  it("refuses VND and JPY cents in a THB company, and loads USD and THB cents", async () => {
    const w = await workspace({ currency: "THB" });
    const e = await w.rejection(
      w.write(
        "invoices-m.csv",
        lines(
          INVOICE_HEADER,
          "I1,C1,invoice,2024-01-15,,12.34,USD,",
          "I2,C1,invoice,2024-01-15,,1234.50,VND,",
          "I3,C1,invoice,2024-01-15,,12.34,,",
          "I4,C1,invoice,2024-01-15,,100.5,jpy,",
          "I5,C1,invoice,2024-01-15,,1234.00,VND,",
        ),
      ),
    );
    // I1 (USD) and I3 (empty: THB) have 2-digit minor units; I5's .00 is a whole number of đồng.
    expect(e.details).toEqual([`invoices-m.csv line 3, column amount, value "1234.50": ${noMinorUnit("VND")}`, `invoices-m.csv line 5, column amount, value "100.5": ${noMinorUnit("JPY")}`]);

    await w.load(w.write("invoices-ok.csv", lines(INVOICE_HEADER, "I1,C1,invoice,2024-01-15,,12.34,USD,", "I3,C1,invoice,2024-01-15,,12.34,,", "I5,C1,invoice,2024-01-15,,1234.00,VND,")));
    expect(await w.wh.all("select document_id, amount, currency from raw.invoices order by document_id")).toEqual([
      { document_id: "I1", amount: "12.34", currency: "USD" },
      { document_id: "I3", amount: "12.34", currency: null },
      { document_id: "I5", amount: "1234.00", currency: "VND" },
    ]);
  });

  it("checks an empty currency against the functional one, and a USD row in a VND company against USD", async () => {
    const w = await workspace({ currency: "VND" });
    const e = await w.rejection(w.write("payments-m.csv", lines(PAYMENT_HEADER, "P1,C1,2024-02-01,12.34,USD,", "P2,C1,2024-02-01,10.50,,")));
    expect(e.details).toEqual([`payments-m.csv line 3, column amount, value "10.50": ${noMinorUnit("VND")}`]);
  });

  it("checks a customer's credit limit against the customer's currency", async () => {
    const w = await workspace({ currency: "USD" });
    const e = await w.rejection(w.write("customers-m.csv", lines(CUSTOMER_HEADER, "C1,Acme,,,,,1000.50,30,USD,", "C2,Bee,,,,,1000.50,30,VND,")));
    expect(e.details).toEqual([`customers-m.csv line 3, column credit_limit, value "1000.50": ${noMinorUnit("VND")}`]);
  });

  it("checks amounts of an extract without a currency column against the functional currency", async () => {
    const thb = await workspace({ currency: "THB" });
    await thb.load(thb.write("credit_limits.csv", "customer_id,effective_date,credit_limit\nC1,2024-01-01,1000.50\n"));
    expect(await thb.wh.all("select credit_limit from raw.credit_limits")).toEqual([{ credit_limit: "1000.50" }]);
    const vnd = await workspace({ currency: "VND" });
    const e = await vnd.rejection(vnd.write("credit_limits.csv", "customer_id,effective_date,credit_limit\nC1,2024-01-01,1000.50\n"));
    expect(e.details).toEqual([`credit_limits.csv line 2, column credit_limit, value "1000.50": ${noMinorUnit("VND")}`]);
  });
});

describe("fx_rates", () => {
  it("exists in the raw schema before any fx_rates file is loaded, with the contract's types", async () => {
    const w = await workspace();
    await ensureRawSchema(w.wh);
    const columns = await w.wh.all(
      "select column_name, data_type from duckdb_columns() where schema_name = 'raw' and table_name = 'fx_rates' and column_name not like '\\_%' escape '\\' order by column_index",
    );
    expect(columns).toEqual([
      { column_name: "rate_date", data_type: "DATE" },
      { column_name: "currency", data_type: "VARCHAR" },
      { column_name: "rate", data_type: "DECIMAL(24,12)" },
    ]);
  });

  it("loads rates exactly: twelve decimals kept, thousands commas read, the functional currency's rate 1", async () => {
    const usd = await workspace({ currency: "USD" });
    // 1 / 25,400 = 0.0000393700787…, written to 12 decimals as 0.000039370079.
    await usd.load(usd.write("fx_rates.csv", lines(FX_HEADER, "2024-01-31,VND,0.000039370079", "2024-01-31,thb,0.0285", "2024-01-31,USD,1")));
    expect(await rates(usd)).toEqual([
      { rate_date: "2024-01-31", currency: "THB", rate: "0.028500000000" },
      { rate_date: "2024-01-31", currency: "USD", rate: "1.000000000000" },
      { rate_date: "2024-01-31", currency: "VND", rate: "0.000039370079" },
    ]);
    const vnd = await workspace({ currency: "VND" });
    await vnd.load(vnd.write("fx_rates-2024-01.csv", lines(FX_HEADER, '2024-01-31,USD,"25,400.5"', "31/01/2024,VND,1.000", "2024-01-31,JPY,171.123456789012")));
    expect(await rates(vnd)).toEqual([
      { rate_date: "2024-01-31", currency: "JPY", rate: "171.123456789012" },
      { rate_date: "2024-01-31", currency: "USD", rate: "25400.500000000000" },
      { rate_date: "2024-01-31", currency: "VND", rate: "1.000000000000" },
    ]);
  });

  it("refuses a rate of 0, a negative one, 13 decimals, 13 integer digits and text; and a functional rate other than 1", async () => {
    const w = await workspace({ currency: "USD" });
    const e = await w.rejection(
      w.write(
        "fx_rates-bad.csv",
        lines(
          FX_HEADER,
          "2024-01-31,VND,0",
          "2024-01-31,THB,-1",
          "2024-01-31,EUR,0.0000393700787",
          "2024-01-31,JPY,about 0.0067",
          "2024-01-31,USD,1.01",
          "2024-01-31,IDR,1234567890123",
          "2024-01-31,GBP,1.27",
        ),
      ),
    );
    expect(e.details).toEqual([
      `fx_rates-bad.csv line 2, column rate, value "0": ${NOT_A_RATE}`,
      `fx_rates-bad.csv line 3, column rate, value "-1": ${NOT_A_RATE}`,
      `fx_rates-bad.csv line 4, column rate, value "0.0000393700787": ${NOT_A_RATE}`,
      `fx_rates-bad.csv line 5, column rate, value "about 0.0067": ${NOT_A_RATE}`,
      `fx_rates-bad.csv line 7, column rate, value "1234567890123": ${NOT_A_RATE}`,
      `fx_rates-bad.csv line 6, column rate, value "1.01": ${FUNCTIONAL_RATE}`,
    ]);
    expect(await w.wh.all("select count(*)::INTEGER as n from raw.fx_rates")).toEqual([{ n: 0 }]);
  });

  it("refuses a missing rate, a bad code and the same date and currency twice in one file", async () => {
    const w = await workspace();
    const e = await w.rejection(w.write("fx_rates-x.csv", lines(FX_HEADER, "2024-01-31,VND,", "2024-01-31,DONG,0.00004", "2024-01-31,THB,0.0285", "31/01/2024,thb,0.0286")));
    expect(e.details).toEqual([
      // Problems come column by column, in the contract's order: currency before rate.
      `fx_rates-x.csv line 3, column currency, value "DONG": ${NOT_A_CODE}`,
      "fx_rates-x.csv line 2, column rate, value (empty): a required value is missing",
      'fx_rates-x.csv line 5, column rate_date + currency, value "2024-01-31 + THB": a duplicate key: an earlier line of this file has the same rate_date + currency (first on line 4)',
    ]);
  });

  it("a later file's rate for the same date and currency replaces the earlier one; others stay", async () => {
    const w = await workspace();
    await w.load(w.write("fx_rates-2024-01.csv", lines(FX_HEADER, "2024-01-31,VND,0.000039370079", "2024-01-31,THB,0.0285", "2024-02-01,VND,0.0000394")));
    await w.load(w.write("fx_rates-2024-01-restated.csv", lines(FX_HEADER, "2024-01-31,vnd,0.00004")));
    expect(await rates(w)).toEqual([
      { rate_date: "2024-01-31", currency: "THB", rate: "0.028500000000" },
      { rate_date: "2024-01-31", currency: "VND", rate: "0.000040000000" },
      { rate_date: "2024-02-01", currency: "VND", rate: "0.000039400000" },
    ]);
  });

  it("reads Parquet DOUBLE and DECIMAL rates and JSON Lines numbers exactly as written", async () => {
    const w = await workspace();
    const parquet = (name: string, type: string) => {
      const path = join(w.dir, "in", name);
      return w.wh
        .run(
          `copy (select * from (values (DATE '2024-01-31', 'VND', 0.000039370079::${type}), (DATE '2024-01-31', 'THB', 0.0285::${type}), (DATE '2024-01-31', 'EUR', 1.085::${type}))
                  t(rate_date, currency, rate)) to ${literal(path)} (format parquet)`,
        )
        .then(() => path);
    };
    const expected = [
      { rate_date: "2024-01-31", currency: "EUR", rate: "1.085000000000" },
      { rate_date: "2024-01-31", currency: "THB", rate: "0.028500000000" },
      { rate_date: "2024-01-31", currency: "VND", rate: "0.000039370079" },
    ];
    // A DOUBLE 0.000039370079 is written by DuckDB as 3.9370079e-05: it must still load as 0.000039370079.
    await w.load(await parquet("fx_rates-double.parquet", "DOUBLE"));
    expect(await rates(w)).toEqual(expected);
    await w.wh.run("delete from raw.fx_rates");
    await w.load(await parquet("fx_rates-decimal.parquet", "DECIMAL(38,18)"));
    expect(await rates(w)).toEqual(expected);
    await w.wh.run("delete from raw.fx_rates");
    await w.load(
      w.write(
        "fx_rates.jsonl",
        ['{"rate_date":"2024-01-31","currency":"VND","rate":0.000039370079}', '{"rate_date":"2024-01-31","currency":"THB","rate":0.0285}', '{"rate_date":"2024-01-31","currency":"EUR","rate":"1.085"}', ""].join("\n"),
      ),
    );
    expect(await rates(w)).toEqual(expected);
  });

  it("refuses a Parquet DOUBLE rate with more significant digits than a DOUBLE holds exactly", async () => {
    const w = await workspace();
    const path = join(w.dir, "in", "fx_rates-inexact.parquet");
    // 0.1 + 0.2 in binary floating point is 0.30000000000000004: 17 significant digits.
    await w.wh.run(`copy (select DATE '2024-01-31' as rate_date, 'EUR' as currency, 0.1::DOUBLE + 0.2::DOUBLE as rate) to ${literal(path)} (format parquet)`);
    const e = await w.rejection(path);
    expect(e.details).toEqual(['fx_rates-inexact.parquet row 1, column rate, value "0.30000000000000004": a DOUBLE rate with more than 15 significant digits, which DOUBLE cannot hold exactly: write rates as DECIMAL']);
  });

  it("loads a bank's export through a source mapping: the same rows as the canonical file", async () => {
    const BANK = {
      name: "th-bank",
      files: "bank-rates*.csv",
      entity: "fx_rates",
      delimiter: ";",
      columns: { rate_date: "Date", currency: "Currency", rate: "Mid Rate" },
      dates: { format: "%d/%m/%Y" },
      numbers: { decimal: ",", thousands: "." },
    };
    const config = { currency: "VND", sources: [BANK] };
    const w = await workspace(config);
    const { outcomes } = await w.load(
      w.write("bank-rates-2024-01.csv", "Date;Currency;Mid Rate;Buying\n02/01/2024;USD;25.400,50;25.300\n02/01/2024;THB;701,3;700\n03/01/2024;JPY;171,123456789012;170\n"),
    );
    expect(outcomes.map((o) => [o.entity, o.rows])).toEqual([["fx_rates", 3]]);
    const canonical = await workspace(config);
    // 25.400,50 is 25,400.50; 701,3 is 701.3; dd/mm/yyyy 02/01/2024 is 2 January.
    await canonical.load(canonical.write("fx_rates.csv", lines(FX_HEADER, "2024-01-02,USD,25400.50", "2024-01-02,THB,701.3", "2024-01-03,JPY,171.123456789012")));
    const fromBank = await rates(w);
    expect(fromBank).toEqual(await rates(canonical));
    expect(fromBank).toEqual([
      { rate_date: "2024-01-02", currency: "THB", rate: "701.300000000000" },
      { rate_date: "2024-01-02", currency: "USD", rate: "25400.500000000000" },
      { rate_date: "2024-01-03", currency: "JPY", rate: "171.123456789012" },
    ]);
  });

  it("names the source's label and the value as written for a rate its number style cannot read", async () => {
    const BANK = { name: "th-bank", files: "bank-rates*.csv", entity: "fx_rates", delimiter: ";", columns: { rate_date: "Date", currency: "Currency", rate: "Mid Rate" }, numbers: { decimal: ",", thousands: "." } };
    const w = await workspace({ currency: "VND", sources: [BANK] });
    const e = await w.rejection(w.write("bank-rates-x.csv", "Date;Currency;Mid Rate\n2024-01-02;USD;25,400.50\n"));
    expect(e.details).toEqual([
      'source th-bank: bank-rates-x.csv line 2, column "Mid Rate" (rate), value "25,400.50": not a rate as this source writes them (thousands ".", decimal ","; e.g. 1.234,50)',
    ]);
  });
});
