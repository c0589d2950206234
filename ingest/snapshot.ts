import { createHash } from "node:crypto";
import { constants, createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { processAlive } from "../core/process-alive.ts";
import { fsReason, kindOf } from "./file-type.ts";

/** A private folder of snapshots for one ingest; remove() deletes it and everything in it. */
export interface SnapshotDir {
  path: string;
  remove(): void;
}

export interface Snapshot {
  /** The copy that is hashed, validated, loaded and archived. */
  path: string;
  sha256: string;
  bytes: number;
}

const PREFIX = ".snapshot-";

/**
 * Creates a private snapshot folder inside the archive folder, so that archiving a snapshot is a
 * rename on the same file system, never a second copy that could differ. The folder's name
 * carries the host and process id; a folder left by a process of this host that no longer runs
 * (a crash, a kill -9) is removed first. Folders of live processes or other hosts are left alone.
 */
export function createSnapshotDir(archiveDir: string): SnapshotDir {
  let path: string;
  try {
    mkdirSync(archiveDir, { recursive: true });
    removeStaleSnapshotDirs(archiveDir);
    path = mkdtempSync(join(archiveDir, `${PREFIX}${safeHost()}-${process.pid}-`));
  } catch (e) {
    throw new Error(`${archiveDir}: cannot make a working folder in the archive folder: ${fsReason(e, "no such folder")}`);
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function safeHost(): string {
  return hostname().replace(/[^A-Za-z0-9.]/g, "_");
}

function removeStaleSnapshotDirs(archiveDir: string): void {
  const mine = `${PREFIX}${safeHost()}-`;
  for (const name of readdirSync(archiveDir)) {
    if (!name.startsWith(mine)) continue;
    const pid = Number(name.slice(mine.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) rmSync(join(archiveDir, name), { recursive: true, force: true });
  }
}

/**
 * Copies a file once into the snapshot folder, hashing the bytes as they are copied, so that the
 * sha256, the rows validated and loaded, and the archived file are all the same content even if
 * the ERP is still appending to the original. The file is opened non-blocking and checked with
 * fstat before any read, so a FIFO or a device swapped in after discovery is refused at once
 * instead of being waited on. Errors name the original path, never the snapshot.
 */
export async function snapshotFile(source: string, dir: SnapshotDir, n: number, name: string): Promise<Snapshot> {
  let handle;
  try {
    handle = await open(source, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new Error(`${source}: ${fsReason(e)}`);
  }
  const target = join(dir.path, `${n}-${name}`);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${source}: ${kindOf(stat)}, not a regular file: arwatch reads only regular files`);
    const hash = createHash("sha256");
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }), tap, createWriteStream(target, { flags: "wx" }));
    } catch (e) {
      throw new Error(`${source}: could not be copied for loading: ${fsReason(e)}`);
    }
    return { path: target, sha256: hash.digest("hex"), bytes };
  } finally {
    await handle.close();
  }
}
