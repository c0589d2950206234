import { CORE_SCHEMA, loadAll } from "js-yaml";

/**
 * Aliases (`*name`) a document may use. Each alias is a reference, but whatever walks the result
 * (the config's schema, its error messages) walks every copy: nested aliases multiply, so ten
 * levels of nine make 9^9 values from a few lines. At 20 the most they can make is a few thousand.
 */
const MAX_ALIASES = 20;

/**
 * A YAML document (the config, the models' documentation) as plain data, under YAML 1.2's core
 * schema: a date stays the text it was written as, and there are no merge keys (`<<`) or other
 * tags that build objects. A file with no document (empty, or only comments) is null, as a file
 * holding only `~`. A syntax error, a key given twice or too many aliases throws with its line and
 * column; a second document throws too, as it would otherwise be ignored. js-yaml rather than the
 * `yaml` package: 0.03 s against 0.19 s for the models' 116 KB of documentation, read by every build.
 */
export function parseYaml(text: string): unknown {
  const documents = loadAll(text, { schema: CORE_SCHEMA, maxAliases: MAX_ALIASES });
  if (documents.length > 1) throw new Error(`expected one YAML document, found ${documents.length} (separated by ---)`);
  return documents[0] ?? null;
}
