import type { Command } from "commander";
import { DEFAULT_DB } from "../core/warehouse.ts";

/**
 * The options shared by several commands. Each command offers only those it uses, so that
 * `--help` never promises an option that would be ignored.
 */
export const withDb = (command: Command): Command => command.option("--db <file>", "the warehouse file", DEFAULT_DB);

export const withConfig = (command: Command): Command =>
  command.option("--config <file>", "the config file (default arwatch.config.yaml if present, else built-in defaults)");

export const withAsOf = (command: Command): Command =>
  command.option("--as-of <YYYY-MM-DD>", "compute figures as of this date (default today)");

/** --db, --config and --as-of: the commands that compute figures from the warehouse. */
export const withFigureOptions = (command: Command): Command => withAsOf(withConfig(withDb(command)));

/** A parser for an option that must be a whole number of at least 1. */
export function positiveInt(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}
