import type { Warehouse } from "../../core/warehouse.ts";
import { ident, literal } from "../../core/warehouse.ts";

// A model renamed, moved to another layer or removed leaves its table or view in the warehouse,
// still holding the figures of the last build that made it, for anyone who reads it by its old
// name. So the warehouse lists the models its builds wrote (meta.built_models), each object
// carries its build's mark as its comment, and a whole build drops, in its own transaction, the
// objects of listed models its project no longer has, but only the very object that build made:
// of the listed kind and still carrying that mark. A table or view of the user's own (made anew
// under a listed name too) and one built before the list existed are never touched.

export type ObjectKind = "table" | "view";

/** A table or view of the warehouse, as its catalog has it. */
export interface CatalogObject {
  kind: ObjectKind;
  comment: string | null;
}

const BUILT_MODELS = "meta.built_models";
const CREATE_BUILT_MODELS = `create table if not exists ${BUILT_MODELS} (model_id VARCHAR, kind VARCHAR, build_id VARCHAR, built_at TIMESTAMPTZ)`;

/** `schema.name` quoted part by part (a layer's name has no dot). */
function qualified(id: string): string {
  const dot = id.indexOf(".");
  return `${ident(id.slice(0, dot))}.${ident(id.slice(dot + 1))}`;
}

/** The comment a build leaves on every table and view it makes. */
export function builtMark(buildId: string): string {
  return `written by arwatch build ${buildId}`;
}

/** Marks a table or view this build has just made as its own (inside the build's transaction). */
export async function markBuilt(wh: Warehouse, id: string, kind: ObjectKind, buildId: string): Promise<void> {
  await wh.run(`comment on ${kind} ${qualified(id)} is ${literal(builtMark(buildId))}`);
}

/**
 * Drops the objects of the models earlier builds wrote that the project no longer has, and takes
 * them off the list, given the warehouse's tables and views as the build found them. Must run
 * inside the build's transaction, whose commit makes it happen. Returns what it dropped, as
 * `table marts.x`.
 */
export async function dropRetiredModels(wh: Warehouse, objects: ReadonlyMap<string, CatalogObject>, projectIds: ReadonlySet<string>): Promise<string[]> {
  await wh.run(CREATE_BUILT_MODELS);
  const listed = await wh.all<{ model_id: string; kind: string; build_id: string }>(`select model_id, kind, build_id from ${BUILT_MODELS} order by model_id`);
  const retired = listed.filter((row) => !projectIds.has(row.model_id));
  const dropped: string[] = [];
  for (const row of retired) {
    const object = objects.get(row.model_id);
    if (object && object.kind === row.kind && object.comment === builtMark(row.build_id)) {
      await wh.run(`drop ${object.kind} ${qualified(row.model_id)}`);
      dropped.push(`${object.kind} ${row.model_id}`);
    }
    await wh.run(`delete from ${BUILT_MODELS} where model_id = $1`, [row.model_id]);
  }
  return dropped;
}

/** Lists the models this build wrote into the warehouse (inside the build's transaction, after dropRetiredModels). */
export async function recordBuiltModels(wh: Warehouse, written: { id: string; kind: ObjectKind }[], buildId: string, builtAt: Date): Promise<void> {
  if (written.length === 0) return;
  await wh.run(CREATE_BUILT_MODELS);
  const ids = written.map((w) => w.id);
  await wh.run(`delete from ${BUILT_MODELS} where model_id in (${ids.map((_, i) => `$${i + 1}`).join(", ")})`, ids);
  const rows = written.map((w) => [w.id, w.kind, buildId, builtAt.toISOString()]);
  const placeholders = rows.map((_, r) => `($${r * 4 + 1}, $${r * 4 + 2}, $${r * 4 + 3}, $${r * 4 + 4}::TIMESTAMPTZ)`);
  await wh.run(`insert into ${BUILT_MODELS} values ${placeholders.join(", ")}`, rows.flat());
}
