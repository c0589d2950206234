import { ident, literal } from "../../core/warehouse.ts";
import type { ColumnTest, Model, ModelTest } from "./project.ts";

/** A data test is a query that returns the failing rows; none returned means it passed. */
export interface DataTest {
  name: string;
  model: string;
  severity: "error" | "warn";
  description: string;
  sql: string;
}

function severityOf(test: ColumnTest | ModelTest): "error" | "warn" {
  if (typeof test === "string") return "error";
  const body = Object.values(test)[0] as { severity?: "error" | "warn" };
  return body.severity ?? "error";
}

function columnTestSql(model: string, column: string, test: ColumnTest): { kind: string; sql: string; description: string } {
  const col = ident(column);
  const kind = typeof test === "string" ? test : Object.keys(test)[0]!;
  switch (kind) {
    case "not_null":
      return { kind, description: `${column} is never null`, sql: `select * from ${model} where ${col} is null` };
    case "unique":
      return {
        kind,
        description: `${column} is unique`,
        sql: `select ${col}, count(*) as rows from ${model} where ${col} is not null group by ${col} having count(*) > 1`,
      };
    case "accepted_values": {
      const { values } = (test as { accepted_values: { values: string[] } }).accepted_values;
      return {
        kind,
        description: `${column} is one of ${values.join(", ")}`,
        sql: `select ${col}, count(*) as rows from ${model} where ${col} not in (${values.map(literal).join(", ")}) group by ${col}`,
      };
    }
    case "relationships": {
      const { to, field } = (test as { relationships: { to: string; field: string } }).relationships;
      return {
        kind,
        description: `every ${column} is a ${field} of ${to}`,
        sql: `select m.${col}, count(*) as rows from ${model} m
               where m.${col} is not null and not exists (select 1 from ${to} t where t.${ident(field)} = m.${col})
               group by m.${col}`,
      };
    }
    default:
      throw new Error(`unknown column test ${kind}`);
  }
}

/** Compiles the tests a model's documentation declares into queries. */
export function testsOf(model: Model): DataTest[] {
  const tests: DataTest[] = [];
  for (const column of model.doc.columns) {
    for (const test of column.tests) {
      const { kind, sql, description } = columnTestSql(model.id, column.name, test);
      tests.push({ name: `${kind}__${model.name}__${column.name}`, model: model.id, severity: severityOf(test), description, sql });
    }
  }
  for (const test of model.doc.tests) {
    if ("unique_combination" in test) {
      const cols = test.unique_combination.columns.map(ident).join(", ");
      tests.push({
        name: `unique_combination__${model.name}__${test.unique_combination.columns.join("__")}`,
        model: model.id,
        severity: severityOf(test),
        description: `${test.unique_combination.columns.join(" + ")} is unique`,
        sql: `select ${cols}, count(*) as rows from ${model.id} group by ${cols} having count(*) > 1`,
      });
    } else {
      const e = test.expression;
      tests.push({ name: `${e.name}__${model.name}`, model: model.id, severity: severityOf(test), description: e.description, sql: e.sql });
    }
  }
  return tests;
}
