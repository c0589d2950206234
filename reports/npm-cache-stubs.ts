import { mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Framework asks the npm registry for the latest version of these packages on every build,
 * even when no page imports them; an existing cache folder for a version answers it instead.
 * Empty folders are enough, and keep the build from making any network request.
 */
export const NPM_CACHE_STUBS = [
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3-dsv@3.0.2",
  "d3@7.9.2",
  "echarts@6.1.0",
  "htl@1.0.0",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react-dom@19.3.1",
  "react@19.3.1",
  "topojson-client@3.1.0",
];

export function stubNpmCache(root: string): void {
  for (const spec of NPM_CACHE_STUBS) mkdirSync(join(root, ".observablehq", "cache", "_npm", spec), { recursive: true });
}
