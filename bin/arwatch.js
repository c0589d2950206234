#!/usr/bin/env node
import { pathToFileURL } from "node:url";
import { ensureBundle } from "./bundle.js";

await import(pathToFileURL(await ensureBundle()).href);
