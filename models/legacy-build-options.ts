import type { Config } from "../core/config.ts";
import { ensureRawSchema } from "../ingest/schema.ts";
import type { BuildOptions, LegacyBuildOptions } from "./runner/build.ts";
import { modelSettings } from "./settings.ts";

/**
 * Turns the options of a caller that still passes the config into the runner's generic ones:
 * the model settings as parameters, and the raw tables created first. A caller that passes
 * `{ ...modelSettings(config), prepare: ensureRawSchema }` itself does not come here.
 */
export async function fromLegacy(options: LegacyBuildOptions): Promise<BuildOptions> {
  const { config, ...rest } = options;
  return { ...rest, ...modelSettings(config as Config), prepare: ensureRawSchema };
}
