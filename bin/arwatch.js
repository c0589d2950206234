#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx arwatch` works in a checkout with no build step.
import { register } from "tsx/esm/api";
register();
await import("../core/cli.ts");
