// Loaded with --import into a process under test: any attempt to reach a host other than this
// machine is written to ARWATCH_NETWORK_LOG and refused, so a test can prove none was made.
import { appendFileSync } from "node:fs";
import dns from "node:dns";

const LOCAL = new Set(["localhost", "127.0.0.1", "::1"]);
const log = process.env.ARWATCH_NETWORK_LOG;
/** @param {string} target */
function refuse(target) {
  if (log) appendFileSync(log, `${target}\n`);
  return new Error(`network access refused in this test: ${target}`);
}

const realFetch = globalThis.fetch;
/** @param {string | URL | Request} input @param {RequestInit} [init] */
globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  if (!LOCAL.has(url.hostname)) throw refuse(url.href);
  return realFetch(input, init);
};

const realLookup = dns.lookup;
/** @param {string} hostname @param {...any} rest */
// @ts-ignore: the overloads of dns.lookup are kept by passing the arguments through unchanged
dns.lookup = function lookup(hostname, ...rest) {
  if (!LOCAL.has(hostname)) {
    const callback = rest.at(-1);
    const error = refuse(`dns ${hostname}`);
    if (typeof callback === "function") return process.nextTick(() => callback(error));
    throw error;
  }
  return Reflect.apply(realLookup, this, [hostname, ...rest]);
};
const realPromisesLookup = dns.promises.lookup;
/** @param {string} hostname @param {...any} rest */
// @ts-ignore: as above
dns.promises.lookup = async (hostname, ...rest) => {
  if (!LOCAL.has(hostname)) throw refuse(`dns ${hostname}`);
  return Reflect.apply(realPromisesLookup, dns.promises, [hostname, ...rest]);
};
