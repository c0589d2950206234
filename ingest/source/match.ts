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

function namedBy(source: SourceConfig, name: string): boolean {
  return source.files !== undefined && (typeof source.files === "string" ? [source.files] : source.files).some((g) => globRegex(g).test(name));
}

/** Whether a source recognises its files by their header: it has labels to recognise, or no globs. */
export function recognisesByHeader(source: SourceConfig): boolean {
  return source.recognise.length > 0 || source.files === undefined;
}

/** The first source that names a file by its `files` globs alone (not one that recognises by header). */
export function sourceOfFile(name: string, sources: readonly SourceConfig[]): SourceConfig | undefined {
  return sources.find((s) => !recognisesByHeader(s) && namedBy(s, name));
}

/** The sources that may recognise a file by its header: those without globs, and those whose globs name it. */
export function headerCandidates(name: string, sources: readonly SourceConfig[]): SourceConfig[] {
  return sources.filter((s) => recognisesByHeader(s) && (s.files === undefined || namedBy(s, name)));
}
