#!/usr/bin/env node
import { pathToFileURL } from "node:url";
import { ensureBundle, holdBundle } from "./bundle.js";

let bundle;
try {
  bundle = await ensureBundle();
} catch (e) {
  // Only a checkout whose sources do not compile gets here: say so in one line, not a stack trace.
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`arwatch: cannot build the CLI from its sources: ${message.split("\n").slice(0, 3).join(" ")}\n`);
  process.exit(1);
}
holdBundle(bundle);
await import(pathToFileURL(bundle).href);
