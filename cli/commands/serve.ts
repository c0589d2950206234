import type { Command } from "commander";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { CommandFailed } from "../failure.ts";
import { withConfig, withDb } from "../options.ts";

interface ServeOptions extends GlobalOptions {
  port: number;
  host: string;
  insecureNoAuth?: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`--port must be a whole number from 0 to 65535, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** The token from ARWATCH_API_TOKEN (never from a file in the repository); null when unset. */
function tokenFromEnvironment(): string | null {
  const token = process.env.ARWATCH_API_TOKEN;
  if (token === undefined || token === "") return null;
  if (/[\s\x00-\x1f\x7f]/.test(token)) throw new CommandFailed("ARWATCH_API_TOKEN contains white space or control characters; a bearer token cannot carry them", [], 2);
  return token;
}

export function registerServe(program: Command): void {
  withConfig(
    withDb(
      program
        .command("serve")
        .description("the credit check as an HTTP JSON API (POST /v1/credit-checks …), answered from memory and reloaded after each build; needs ARWATCH_API_TOKEN")
        .option("--port <n>", "the port to listen on (0: any free port, printed at start)", portNumber, 8787)
        .option("--host <address>", "the address to bind", "127.0.0.1")
        .option("--insecure-no-auth", "start without ARWATCH_API_TOKEN: every /v1 request is accepted without a token"),
    ),
  ).action(async (opts: ServeOptions) => {
    const ctx = contextFrom(opts);
    const token = tokenFromEnvironment();
    if (token === null && !opts.insecureNoAuth) {
      throw new CommandFailed("set ARWATCH_API_TOKEN to the bearer token clients must send (or start with --insecure-no-auth, for a trusted machine only)", [], 2);
    }
    if (token !== null && opts.insecureNoAuth) {
      // The safer reading of two contradicting instructions: the token set in the environment stays required.
      ctx.log.warn("--insecure-no-auth is ignored: ARWATCH_API_TOKEN is set, and every /v1 request must send it");
    }
    if (token === null) {
      ctx.log.warn(`no authentication (--insecure-no-auth): anyone who can reach ${opts.host} may check, override and read credit standings`);
      if (!LOOPBACK.has(opts.host)) ctx.log.warn(`${opts.host} is not a loopback address: other machines can reach this unauthenticated API`);
    }

    const [{ openCreditSession }, { startCreditServer }, { standingSignature }, { standingPath }] = await Promise.all([
      import("../../credit/session.ts"),
      import("../../credit/http-server.ts"),
      import("../../credit/reload.ts"),
      import("../../credit/paths.ts"),
    ]);
    // Taken before loading: a build that publishes while the server starts is loaded at the first poll.
    const loadedSignature = await standingSignature(standingPath(ctx.db));
    const session = await openCreditSession({ db: ctx.db, config: ctx.config, writer: "arwatch serve", log: ctx.log });
    let server;
    try {
      server = await startCreditServer({ session, config: ctx.config, host: opts.host, port: opts.port, token, log: ctx.log, loadedSignature });
    } catch (e) {
      await session.close();
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EADDRINUSE") throw new CommandFailed(`${opts.host}:${opts.port} is in use by another program (choose another --port)`);
      if (err.code === "EADDRNOTAVAIL") throw new CommandFailed(`${opts.host} is not an address of this machine`, [], 2);
      throw e;
    }
    const build = session.service.standing.build;
    ctx.log.info(`credit standing as of ${build.asOfDate} (built ${build.builtAt}): ${session.service.standing.customers.size} customers; checks recorded in ${session.logFile}`);
    ctx.log.info(`listening on ${server.url}`);

    // Stop accepting, finish the requests in flight (their log writes included), release the log.
    await new Promise<void>((resolve, reject) => {
      const stop = (signal: NodeJS.Signals) => {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        ctx.log.info(`${signal}: finishing the requests in flight, then stopping`);
        server.close().then(resolve, reject);
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    });
    ctx.log.info("stopped; the credit log is flushed and its lock released");
    process.exitCode = 0;
  });
}
