import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { PACKAGE_ROOT } from "../../core/paths.ts";
import { parseYaml } from "../../core/yaml.ts";

/** The layers, in the order data flows through them; each is a schema and a folder. */
export const LAYERS = ["staging", "intermediate", "marts"] as const;
export type Layer = (typeof LAYERS)[number];

const DEFAULT_MATERIALIZATION: Record<Layer, "view" | "table"> = {
  staging: "view",
  intermediate: "view",
  marts: "table",
};

/**
 * How completely each layer's YAML documents its columns: `all` (every built column is
 * documented, checked after each build of a model) or `documented` (the documented ones exist).
 */
export const COLUMN_DOCS: Record<Layer, "all" | "documented"> = {
  staging: "all",
  intermediate: "documented",
  marts: "all",
};

export const MODELS_DIR = join(PACKAGE_ROOT, "models");

const severity = z.enum(["error", "warn"]).default("error");
const columnTest = z.union([
  z.enum(["not_null", "unique"]),
  z.object({ not_null: z.object({ severity }) }).strict(),
  z.object({ unique: z.object({ severity }) }).strict(),
  z.object({ accepted_values: z.object({ values: z.array(z.string()).min(1), severity }).strict() }).strict(),
  z.object({ relationships: z.object({ to: z.string(), field: z.string(), severity }).strict() }).strict(),
]);
const modelTest = z.union([
  z.object({ unique_combination: z.object({ columns: z.array(z.string()).min(2), severity }).strict() }).strict(),
  z
    .object({
      expression: z
        .object({ name: z.string().regex(/^[a-z0-9_]+$/), description: z.string(), sql: z.string(), severity })
        .strict(),
    })
    .strict(),
]);
const modelDoc = z
  .object({
    name: z.string(),
    description: z.string(),
    materialized: z.enum(["view", "table", "cached_view"]).optional(),
    /** DuckDB settings for the statement that builds the model: set before it, reset after. */
    settings: z
      .record(z.string().regex(/^[a-z_]+$/, "a DuckDB setting's name"), z.union([z.string().regex(/^[A-Za-z0-9_,. -]*$/, "a plain value"), z.number(), z.boolean()]))
      .optional(),
    columns: z
      .array(z.object({ name: z.string(), description: z.string(), tests: z.array(columnTest).default([]) }).strict())
      .default([]),
    tests: z.array(modelTest).default([]),
  })
  .strict();
const layerDoc = z.object({ models: z.array(modelDoc) }).strict();

export type ColumnTest = z.infer<typeof columnTest>;
export type ModelTest = z.infer<typeof modelTest>;
export type ModelDoc = z.infer<typeof modelDoc>;

export interface Model {
  /** schema.name, e.g. marts.fct_open_items */
  id: string;
  layer: Layer;
  name: string;
  path: string;
  sql: string;
  /**
   * view and table as in SQL; cached_view is a view in the warehouse whose rows a build computes
   * once, as a table of its scratch database that the build's models and tests read.
   */
  materialized: "view" | "table" | "cached_view";
  /** Extra dependencies from `-- depends_on: schema.model` lines, for reads the parser cannot see. */
  dependsOn: string[];
  doc: ModelDoc;
}

/**
 * The SQL macros the models share (models/macros/<name>.sql, one `create or replace macro <name>`
 * each), so that a rule such as the bucket of a day count is written once. DuckDB binds a macro's
 * body when it is created, so a macro that calls another comes after it; otherwise in name order.
 */
export function loadMacros(dir = MODELS_DIR): { path: string; sql: string }[] {
  const folder = join(dir, "macros");
  if (!existsSync(folder)) return [];
  const macros = readdirSync(folder)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ name: basename(f, ".sql"), path: join(folder, f), sql: readFileSync(join(folder, f), "utf8").replace(/;\s*$/, "") }));
  const calls = (caller: (typeof macros)[number], callee: string) =>
    callee !== caller.name && new RegExp(`\\b${callee}\\s*\\(`).test(caller.sql.replace(/--.*$/gm, ""));
  const ordered: typeof macros = [];
  const placing = new Set<string>();
  const place = (macro: (typeof macros)[number]) => {
    if (ordered.includes(macro)) return;
    if (placing.has(macro.name)) throw new Error(`${macro.path}: the macros call each other in a cycle (${[...placing].join(" → ")} → ${macro.name})`);
    placing.add(macro.name);
    for (const callee of macros) if (calls(macro, callee.name)) place(callee);
    placing.delete(macro.name);
    ordered.push(macro);
  };
  for (const macro of macros) place(macro);
  return ordered.map(({ path, sql }) => ({ path, sql }));
}

/** Reads every model and its documentation; a model without documentation is an error. */
export function loadProject(dir = MODELS_DIR): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    const folder = join(dir, layer);
    if (!existsSync(folder)) continue;
    const docFile = join(folder, `_${layer}__models.yml`);
    const docs = existsSync(docFile) ? parseLayerDoc(docFile) : [];
    const files = readdirSync(folder).filter((f) => f.endsWith(".sql")).sort();
    for (const file of files) {
      const name = basename(file, ".sql");
      const path = join(folder, file);
      const doc = docs.find((d) => d.name === name);
      if (!doc) throw new Error(`${path}: model ${name} is not documented in ${docFile}`);
      const sql = readFileSync(path, "utf8");
      models.push({
        id: `${layer}.${name}`,
        layer,
        name,
        path,
        sql: sql.replace(/;\s*$/, ""),
        materialized: doc.materialized ?? DEFAULT_MATERIALIZATION[layer],
        dependsOn: [...sql.matchAll(/^--\s*depends_on:\s*(.+)$/gm)].flatMap((m) => m[1]!.split(",").map((s) => s.trim())),
        doc,
      });
    }
    for (const d of docs) {
      if (!files.includes(`${d.name}.sql`)) throw new Error(`${docFile}: documents ${d.name}, but there is no ${d.name}.sql`);
    }
  }
  return models;
}

function parseLayerDoc(file: string): ModelDoc[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const result = layerDoc.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return result.data.models;
}
