import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root (where package.json names arwatch), found by walking up from this
 * module, so that it is right both from the TypeScript sources and from the CLI's bundle.
 */
function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "arwatch") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the arwatch package above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
