import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Run under a non-UTC zone by default: dates must not shift with the machine's time zone.
    env: { TZ: process.env.TZ ?? "Asia/Bangkok" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
