import { join } from "node:path";
import { PACKAGE_ROOT } from "../core/paths.ts";

// Kept apart from build-site.ts so that the CLI can show the default in --help without loading
// the site builder.

/** The report site's Framework project. */
export const REPORTS_DIR = join(PACKAGE_ROOT, "reports");

/** Where `report build` publishes and `report serve` reads, unless told otherwise. */
export const DEFAULT_SITE_OUT = join(REPORTS_DIR, "dist");
