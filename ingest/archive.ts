import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fsReason } from "./file-type.ts";

/**
 * Keeps an accepted file's snapshot under <archiveDir>/<entity>/<sha256><ext>. The snapshot is
 * the very bytes that were hashed, validated and loaded, so the archive holds exactly what was
 * loaded and the warehouse can be rebuilt by ingesting the archive in load-log order. The
 * snapshot lives in a folder inside archiveDir, so this is a rename: atomic, never half a file.
 * Content-addressed: a file already archived is kept as it is (same sha256, same bytes), and
 * nothing in the archive is ever deleted or overwritten.
 */
export function archiveSnapshot(snapshotPath: string, archiveDir: string, entity: string, sha256: string, ext: string): string {
  const dir = join(archiveDir, entity);
  const target = join(dir, `${sha256}${ext.toLowerCase()}`);
  if (existsSync(target)) return target;
  try {
    mkdirSync(dir, { recursive: true });
    renameSync(snapshotPath, target);
  } catch (e) {
    throw new Error(`${target}: cannot archive the file: ${fsReason(e, "no such folder")}`);
  }
  return target;
}
