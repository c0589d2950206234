import { createHash } from "node:crypto";
import { createReadStream, copyFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { extname, join } from "node:path";

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Keeps an accepted file under <archiveDir>/<entity>/<sha256><ext>. Content-addressed, so the
 * same file is kept once, and the warehouse can be rebuilt by ingesting the archive in load-log
 * order. Written to a temporary name first, so that a crash never leaves half a file.
 */
export function archiveFile(path: string, archiveDir: string, entity: string, sha256: string): string {
  const dir = join(archiveDir, entity);
  const target = join(dir, `${sha256}${extname(path).toLowerCase()}`);
  if (existsSync(target)) return target;
  mkdirSync(dir, { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  copyFileSync(path, partial);
  renameSync(partial, target);
  return target;
}
