import type { Warehouse } from "../core/warehouse.ts";
import { literal } from "../core/warehouse.ts";
import type { Weighted } from "./word-lists.ts";

/**
 * Defines the deterministic "random" macros every step draws from. A draw is a hash of
 * (seed, row number, salt): the same row always gets the same value whatever the thread
 * schedule, which random() cannot promise, and a new salt gives an independent stream.
 *
 * - g_h(i, salt): a 64-bit unsigned hash, independent across salts;
 * - g_u(i, salt): uniform in (0, 1), never exactly 0 or 1 so that ln() is safe;
 * - g_n(i, salt): standard normal by Box-Muller from two independent uniforms.
 */
export async function defineRandomMacros(wh: Warehouse, seed: number): Promise<void> {
  // DuckDB's multi-argument hash() combines its inputs weakly (two salts gave draws correlated at
  // 0.87), so the row number is mixed on its own, XORed with a per-(seed, salt) constant that the
  // optimizer folds, and mixed again. Note: in DuckDB `^` is a power, xor() is the bitwise XOR.
  await wh.run(`create or replace macro g_h(i, salt) as hash(xor(hash(i::BIGINT), hash(${seed}::BIGINT, salt)))`);
  // 53 bits fill a double's mantissa exactly; the half step keeps the value off 0.
  await wh.run(`create or replace macro g_u(i, salt) as ((g_h(i, salt) >> 11)::DOUBLE + 0.5) / 9007199254740992.0`);
  await wh.run(
    `create or replace macro g_n(i, salt) as sqrt(-2 * ln(g_u(i, salt || '.r'))) * cos(2 * pi() * g_u(i, salt || '.t'))`,
  );
  // An integer in [0, n): for picks where the modulo bias of a 64-bit hash is negligible.
  await wh.run(`create or replace macro g_int(i, salt, n) as (g_h(i, salt) % (n)::UBIGINT)::BIGINT`);
}

/**
 * A JS number as a SQL DOUBLE. A bare literal such as 0.021 is a DECIMAL in DuckDB, and
 * BIGINT * DECIMAL is decimal arithmetic: ten times slower over a million rows.
 */
export function num(x: number): string {
  return `${x}::DOUBLE`;
}

/** A SQL list literal of strings. */
export function sqlList(values: readonly string[]): string {
  return `[${values.map(literal).join(", ")}]`;
}

/** One of the values, chosen by an integer draw; every value equally likely. */
export function pickSql(values: readonly string[], i: string, salt: string): string {
  return `${sqlList(values)}[1 + g_int(${i}, ${literal(salt)}, ${values.length})]`;
}

/** A CASE that maps a uniform draw to a value with the given relative weights. */
export function weightedSql(values: readonly Weighted[], u: string): string {
  const total = values.reduce((s, [, w]) => s + w, 0);
  let cumulative = 0;
  const whens = values.slice(0, -1).map(([value, weight]) => {
    cumulative += weight;
    return `when ${u} < ${cumulative / total} then ${literal(value)}`;
  });
  return `case ${whens.join(" ")} else ${literal(values.at(-1)![0])} end`;
}
