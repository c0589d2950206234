import { lstatSync, readlinkSync, statSync, type Stats } from "node:fs";

/** What a path is, in words a finance user can act on; used when arwatch refuses to read it. */
export function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

export type PathKind = { kind: "file"; stat: Stats } | { kind: "folder" } | { kind: "refused"; why: string };

/**
 * Looks at a path without opening it, so that a FIFO or a device is never waited on. A symbolic
 * link is followed; a dangling one is named with its target instead of Node's bare ENOENT.
 */
export function inspectPath(path: string): PathKind {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (e) {
    return { kind: "refused", why: `${path}: ${fsReason(e, "no such file or folder")}` };
  }
  if (stat.isSymbolicLink()) {
    try {
      stat = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { kind: "refused", why: `${path}: a symbolic link to ${readlinkSync(path)}, which does not exist` };
      return { kind: "refused", why: `${path}: ${fsReason(e, "no such file or folder")}` };
    }
  }
  if (stat.isDirectory()) return { kind: "folder" };
  if (stat.isFile()) return { kind: "file", stat };
  return { kind: "refused", why: `${path}: ${kindOf(stat)}, not a regular file: arwatch reads only regular files` };
}

/** A file-system error in arwatch's words (Node's own messages name syscalls and errno codes). */
export function fsReason(e: unknown, missing = "no such file"): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case "ENOENT":
    case "ENOTDIR":
      return missing;
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EEXIST":
      return "a file is in the way where a folder is needed";
    case "ELOOP":
      return "a loop of symbolic links";
    case "EISDIR":
      return "a folder, not a file";
    case "ENOSPC":
      return "no space left on the disk";
    case "ENAMETOOLONG":
      return "the path is too long";
    default:
      return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}
