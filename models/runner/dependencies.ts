import type { Warehouse } from "../../core/warehouse.ts";
import { LAYERS, type Layer, type Model } from "./project.ts";

/**
 * Tables written outside the models, which models may read: by ingest (raw), by the runner itself
 * (meta), by the notifier (notify: its ledger, outbox and work lists, read by marts views), and by
 * the credit check (credit: its log's checks and the holds, copied in by each build).
 */
export const SOURCE_SCHEMAS = ["raw", "meta", "notify", "credit"];

/**
 * Source schemas that a warehouse may not have yet, because the stage that writes them creates
 * them itself: the notifier's and the credit check's. The CLI's build creates them first, so its
 * builds always include every model; a bare build of a warehouse without the schema leaves out the
 * models that read it (and those downstream of them) instead of failing on a table that is not there.
 */
export const OPTIONAL_SOURCE_SCHEMAS = ["notify", "credit"];

interface TableRef {
  schema: string;
  table: string;
}

/**
 * DuckDB's parse trees of many SELECTs, in one statement: a build parses every model and data test
 * (273 at the time of writing), and a statement each cost 2 ms of round trip for 1 ms of parsing.
 */
async function parseTrees(wh: Warehouse, sqls: readonly string[]): Promise<unknown[]> {
  if (sqls.length === 0) return [];
  let rows: { tree: string }[];
  try {
    rows = await wh.all<{ tree: string }>(
      `select json_serialize_sql(q) as tree
      from (select unnest(l) as q, generate_subscripts(l, 1) as i from (select from_json($1::varchar, '["VARCHAR"]') as l))
      order by i`,
      [JSON.stringify(sqls)],
    );
  } catch {
    // Text the JSON list cannot carry (a lone UTF-16 surrogate, from an escape in a YAML test):
    // one statement per query, as a parameter, so that a failure names its query.
    rows = [];
    for (const sql of sqls) rows.push(...(await wh.all<{ tree: string }>("select json_serialize_sql($1::varchar) as tree", [sql])));
  }
  if (rows.length !== sqls.length) throw new Error(`parsed ${rows.length} queries of ${sqls.length}`);
  return rows.map((r) => JSON.parse(r.tree));
}

/** The tables a parsed SELECT reads, less its CTEs. */
function tablesInTree(tree: unknown, where: string): TableRef[] {
  const parsed = tree as { error?: boolean; error_message?: string };
  if (parsed.error) throw new Error(`${where}: cannot be parsed as a SELECT: ${parsed.error_message}`);
  const refs: TableRef[] = [];
  const ctes = new Set<string>();
  (function walk(node: unknown): void {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "BASE_TABLE") refs.push({ schema: String(n.schema_name ?? ""), table: String(n.table_name) });
    const cteMap = n.cte_map as { map?: { key: string }[] } | undefined;
    for (const entry of cteMap?.map ?? []) ctes.add(entry.key);
    Object.values(n).forEach(walk);
  })(tree);
  return refs.filter((r) => r.schema !== "" || !ctes.has(r.table));
}

/** The tables each query reads, from DuckDB's own parse tree, less its CTEs; `where` names each in errors. */
export async function tablesRead(wh: Warehouse, queries: readonly { sql: string; where: string }[]): Promise<TableRef[][]> {
  const trees = await parseTrees(wh, queries.map((q) => q.sql));
  return trees.map((tree, i) => tablesInTree(tree, queries[i]!.where));
}

/**
 * The models a query reads, given the tables it reads. Reads of the source schemas are sources;
 * anything else unknown fails, naming where the query comes from and the table.
 */
function modelsIn(refs: readonly TableRef[], where: string, models: Model[]): Set<string> {
  const found = new Set<string>();
  for (const ref of refs) {
    if (SOURCE_SCHEMAS.includes(ref.schema)) continue;
    const id = ref.schema ? `${ref.schema}.${ref.table}` : models.find((m) => m.name === ref.table)?.id;
    if (!id || !models.some((m) => m.id === id)) {
      throw new Error(`${where}: reads ${ref.schema ? `${ref.schema}.` : ""}${ref.table}, which is neither a model nor a source (${SOURCE_SCHEMAS.map((schema) => `${schema}.*`).join(", ")})`);
    }
    found.add(id);
  }
  return found;
}

/** The models each query reads (see modelsIn), all parsed in one statement. */
export async function modelsRead(wh: Warehouse, queries: readonly { sql: string; where: string }[], models: Model[]): Promise<Set<string>[]> {
  const refs = await tablesRead(wh, queries);
  return refs.map((r, i) => modelsIn(r, queries[i]!.where, models));
}

/**
 * Resolves each model's reads to other models: its parents. A model that reads an optional source
 * schema the warehouse does not have is left out of the map, with everything downstream of it.
 */
export async function resolveDependencies(wh: Warehouse, models: Model[]): Promise<Map<string, string[]>> {
  const byId = new Map(models.map((m) => [m.id, m]));
  const parents = new Map<string, string[]>();
  const absent = await absentOptionalSchemas(wh);
  const unavailable = new Set<string>();
  const reads = await tablesRead(wh, models.map((m) => ({ sql: m.sql, where: m.path })));
  for (const [i, model] of models.entries()) {
    if (reads[i]!.some((r) => absent.includes(r.schema))) unavailable.add(model.id);
    const found = modelsIn(reads[i]!, model.path, models);
    found.delete(model.id);
    for (const extra of model.dependsOn) {
      if (!byId.has(extra)) throw new Error(`${model.path}: depends_on names ${extra}, which is not a model`);
      found.add(extra);
    }
    // Data flows one way: a model reads its own layer or a lower one, never one it feeds.
    for (const parent of found) {
      const layer = byId.get(parent)!.layer;
      if (LAYERS.indexOf(layer) > LAYERS.indexOf(model.layer)) {
        throw new Error(`${model.path}: reads ${parent}, from the ${layer} layer above its own (${model.layer}); a model reads only its own layer or lower ones`);
      }
    }
    parents.set(model.id, [...found].sort());
  }
  return withoutUnavailable(parents, unavailable);
}

async function absentOptionalSchemas(wh: Warehouse): Promise<string[]> {
  const rows = await wh.all<{ schema_name: string }>("select schema_name from information_schema.schemata where catalog_name = current_database()");
  return OPTIONAL_SOURCE_SCHEMAS.filter((s) => !rows.some((r) => r.schema_name === s));
}

/** The graph less the unavailable models and every model that reads one of them, directly or not. */
function withoutUnavailable(parents: Map<string, string[]>, unavailable: Set<string>): Map<string, string[]> {
  if (unavailable.size === 0) return parents;
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, ps] of parents) {
      if (!unavailable.has(id) && ps.some((p) => unavailable.has(p))) {
        unavailable.add(id);
        grew = true;
      }
    }
  }
  return new Map([...parents].filter(([id]) => !unavailable.has(id)));
}

/**
 * Orders models so that every model comes after its parents, layer by layer where the graph
 * allows (staging, then intermediate, then marts), so the printed timings read top-down.
 * A cycle fails with its path.
 */
export function topologicalOrder(parents: Map<string, string[]>): string[] {
  const rank = (id: string) => `${LAYERS.indexOf(id.split(".")[0] as Layer)}:${id}`;
  const remaining = new Map([...parents].map(([id, ps]) => [id, new Set(ps)]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, ps]) => ps.size === 0).map(([id]) => id);
    if (ready.length === 0) throw new Error(`models depend on each other in a cycle: ${findCycle(remaining).join(" -> ")}`);
    const next = ready.sort((a, b) => rank(a).localeCompare(rank(b)))[0]!;
    order.push(next);
    remaining.delete(next);
    for (const ps of remaining.values()) ps.delete(next);
  }
  return order;
}

function findCycle(graph: Map<string, Set<string>>): string[] {
  const start = [...graph.keys()][0]!;
  const path: string[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    current = [...graph.get(current)!][0]!;
  }
  return [...path.slice(path.indexOf(current)), current].reverse();
}

/**
 * dbt-style selection: `name` is that model, `name+` is it and everything downstream, `+name` is
 * it and everything upstream. The name may be schema-qualified.
 */
export function selectModels(selector: string, models: Model[], parents: Map<string, string[]>): Set<string> {
  const withAncestors = selector.startsWith("+");
  const withDescendants = selector.endsWith("+");
  const name = selector.slice(withAncestors ? 1 : 0, withDescendants ? -1 : undefined);
  const root = models.find((m) => m.id === name || m.name === name);
  if (!root) throw new Error(`--select ${selector}: no model named ${name}`);
  const selected = new Set([root.id]);
  const grow = (related: (id: string) => string[]) => {
    const queue = [root.id];
    while (queue.length > 0) {
      for (const next of related(queue.pop()!)) {
        if (!selected.has(next)) {
          selected.add(next);
          queue.push(next);
        }
      }
    }
  };
  if (withAncestors) grow((id) => parents.get(id) ?? []);
  if (withDescendants) grow((id) => [...parents].filter(([, ps]) => ps.includes(id)).map(([child]) => child));
  return selected;
}
