import type { SourceConfig } from "../../core/sources-config.ts";

/**
 * A glob on a file name as a regular expression: `*` any run of characters, `?` one, `[abc]` and
 * `[a-z]` one of a set, anything else itself; case-insensitive, since ERPs and the people who
 * save their files do not agree on case. Only names are matched, never paths.
 */
export function globRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else if (ch === "[" && glob.indexOf("]", i + 2) !== -1) {
      const end = glob.indexOf("]", i + 2);
      const set = glob.slice(i + 1, end).replace(/^!/, "^").replace(/[\\\]]/g, "\\$&");
      re += `[${set}]`;
      i = end;
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "iu");
}

/** The first source whose `files` globs match a file name. */
export function sourceOfFile(name: string, sources: readonly SourceConfig[]): SourceConfig | undefined {
  return sources.find((s) => (typeof s.files === "string" ? [s.files] : s.files).some((g) => globRegex(g).test(name)));
}
