import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { ident } from "../core/warehouse.ts";
import { ensureRawSchema, REPLACED_SCHEMA } from "./schema.ts";
import { SPECS } from "./specs.ts";

export interface UndoOptions {
  log: Logger;
  /** The clock, injected so that tests can pin the undo time. */
  now?: () => Date;
}

export interface UndoneLoad {
  loadId: string;
  files: string[];
  /** Rows the load had written, now removed. */
  rowsRemoved: number;
  /** Rows the load had replaced, now back in raw. */
  rowsRestored: number;
}

interface LoadRow {
  load_id: string;
  file_name: string;
  outcome: string;
  load_seq: string | null;
  undone_at: string | null;
}

/**
 * Takes back one or more loads (`arwatch ingest --undo <load_id>`; ids are in meta.load_log):
 * removes the rows each load wrote and restores the rows it replaced, with their original
 * lineage, all in one transaction, latest load first. Only the latest loads can be undone: a
 * load with a later load that loaded a file and was not undone is refused, naming the later
 * loads to undo first. Even a later load that wrote no row counts: its file's rows matched what
 * this load wrote, and its sha256 would stay "loaded" with those rows gone. The load's files are marked `undone` (with undone_at) in meta.load_log, so their
 * content counts as not loaded and ingesting the same file again loads it again. The archive
 * keeps the files. Loads made before arwatch recorded replaced rows (no load_seq) are refused.
 */
export async function undoLoads(wh: Warehouse, loadIds: string[], options: UndoOptions): Promise<UndoneLoad[]> {
  const now = options.now ?? (() => new Date());
  const ids = [...new Set(loadIds)];
  if (ids.length === 0) throw new Error("no load id given to undo");
  await ensureRawSchema(wh);
  return wh.transaction(async () => {
    const seqs = new Map<string, number>();
    for (const id of ids) seqs.set(id, await undoableSeq(wh, id));
    const earliest = Math.min(...seqs.values());
    const later = await wh.all<{ load_id: string }>(
      `select load_id from meta.load_log
        where outcome = 'loaded' and load_seq > $1 and load_id not in (${ids.map((_, i) => `$${i + 2}`).join(", ")})
        group by load_id order by max(load_seq) desc`,
      [earliest, ...ids],
    );
    if (later.length > 0) {
      const names = later.map((l) => l.load_id).join(", ");
      throw new Error(
        `cannot undo load ${ids.join(", ")}: later load(s) ${names} loaded files after it; undo those first, latest first (or together in one --undo)`,
      );
    }
    const undone: UndoneLoad[] = [];
    for (const id of [...ids].sort((a, b) => seqs.get(b)! - seqs.get(a)!)) {
      undone.push(await undoOne(wh, id, now().toISOString()));
      const u = undone.at(-1)!;
      options.log.info(`undid load ${id} (${u.files.join(", ")}): removed ${u.rowsRemoved.toLocaleString("en-US")} row(s) it wrote, restored ${u.rowsRestored.toLocaleString("en-US")} row(s) it replaced`);
    }
    return undone;
  });
}

/** The load's sequence number, or an error saying in words why it cannot be undone. */
async function undoableSeq(wh: Warehouse, id: string): Promise<number> {
  const rows = await wh.all<LoadRow>(
    `select load_id, file_name, outcome, load_seq, strftime(undone_at at time zone 'UTC', '%Y-%m-%d %H:%M:%S UTC') as undone_at
       from meta.load_log where load_id = $1`,
    [id],
  );
  if (rows.length === 0) throw new Error(`no load ${id} in meta.load_log (arwatch sql "select distinct load_id, finished_at from meta.load_log order by finished_at" lists them)`);
  if (rows.some((r) => r.outcome === "undone") && !rows.some((r) => r.outcome === "loaded")) {
    throw new Error(`load ${id} was already undone at ${rows.find((r) => r.undone_at)?.undone_at ?? "an earlier time"}`);
  }
  if (!rows.some((r) => r.outcome === "loaded")) {
    throw new Error(`load ${id} wrote nothing (its files were ${[...new Set(rows.map((r) => r.outcome))].join(" or ")}): there is nothing to undo`);
  }
  const seq = rows.find((r) => r.load_seq !== null)?.load_seq;
  if (seq === undefined || seq === null) {
    throw new Error(`load ${id} was made by an earlier arwatch that kept no record of the rows it replaced, so it cannot be undone; load a corrected extract instead`);
  }
  return Number(seq);
}

async function undoOne(wh: Warehouse, id: string, at: string): Promise<UndoneLoad> {
  let rowsRemoved = 0;
  let rowsRestored = 0;
  for (const spec of SPECS) {
    const target = `raw.${ident(spec.entity)}`;
    const history = `${REPLACED_SCHEMA}.${ident(spec.entity)}`;
    const [counts] = await wh.all<{ removed: string; restored: string }>(
      `select (select count(*) from ${target} where _load_id = $1) as removed,
              (select count(*) from ${history} where _replaced_by = $1 and _load_id is distinct from $1) as restored`,
      [id],
    );
    rowsRemoved += Number(counts!.removed);
    rowsRestored += Number(counts!.restored);
    await wh.run(`delete from ${target} where _load_id = $1`, [id]);
    await wh.run(
      // By name: an upgraded warehouse's raw and raw_replaced tables order their columns differently.
      `insert into ${target} by name select * exclude (_replaced_by, _replaced_at) from ${history} where _replaced_by = $1 and _load_id is distinct from $1`,
      [id],
    );
    await wh.run(`delete from ${history} where _replaced_by = $1`, [id]);
  }
  const files = await wh.all<{ file_name: string }>("select file_name from meta.load_log where load_id = $1 and outcome = 'loaded' order by file_name", [id]);
  await wh.run("update meta.load_log set outcome = 'undone', undone_at = $2::TIMESTAMPTZ where load_id = $1 and outcome = 'loaded'", [id, at]);
  return { loadId: id, files: files.map((f) => f.file_name), rowsRemoved, rowsRestored };
}

