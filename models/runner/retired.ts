import type { Logger } from "../../core/log.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { ident } from "../../core/warehouse.ts";

// A model renamed, moved to another layer or removed leaves its table or view in the warehouse,
// still holding the figures of the last build that made it, for anyone who reads it by its old
// name. So the warehouse lists the models its builds wrote (meta.built_models), and a build drops
// those its project no longer has, in the build's own transaction. An object no build listed (a
// table or view of the user's own, or one built before the list existed) is never touched.

export type ObjectKind = "table" | "view";

const BUILT_MODELS = "meta.built_models";

/** `schema.name` quoted part by part. */
function qualified(id: string): string {
  const dot = id.indexOf(".");
  return `${ident(id.slice(0, dot))}.${ident(id.slice(dot + 1))}`;
}

/**
 * Drops the objects of the models earlier builds wrote that the project no longer has, and takes
 * them off the list. Must run inside the build's transaction. Returns their ids.
 */
export async function dropRetiredModels(wh: Warehouse, projectIds: ReadonlySet<string>, kinds: ReadonlyMap<string, ObjectKind>, log: Logger): Promise<string[]> {
  await wh.run(`create table if not exists ${BUILT_MODELS} (model_id VARCHAR, kind VARCHAR, build_id VARCHAR, built_at TIMESTAMPTZ)`);
  const listed = await wh.all<{ model_id: string }>(`select distinct model_id from ${BUILT_MODELS} order by model_id`);
  const retired = listed.map((r) => r.model_id).filter((id) => !projectIds.has(id));
  for (const id of retired) {
    const kind = kinds.get(id);
    if (kind) await wh.run(`drop ${kind} if exists ${qualified(id)}`);
    await wh.run(`delete from ${BUILT_MODELS} where model_id = $1`, [id]);
    if (kind) log.warn(`removed ${kind} ${id}: an earlier build made it, and the models no longer have it (renamed, moved or removed)`);
  }
  return retired;
}

/** Lists the models this build wrote into the warehouse (inside the build's transaction, after dropRetiredModels). */
export async function recordBuiltModels(wh: Warehouse, written: { id: string; kind: ObjectKind }[], buildId: string, builtAt: Date): Promise<void> {
  if (written.length === 0) return;
  const ids = written.map((w) => w.id);
  await wh.run(`delete from ${BUILT_MODELS} where model_id in (${ids.map((_, i) => `$${i + 1}`).join(", ")})`, ids);
  const rows = written.map((w) => [w.id, w.kind, buildId, builtAt.toISOString()]);
  const placeholders = rows.map((_, r) => `($${r * 4 + 1}, $${r * 4 + 2}, $${r * 4 + 3}, $${r * 4 + 4}::TIMESTAMPTZ)`);
  await wh.run(`insert into ${BUILT_MODELS} values ${placeholders.join(", ")}`, rows.flat());
}
