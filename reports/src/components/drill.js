// The aging drill-down's path lives in the URL, so every level has an address and Back works:
// ?team=…&collector=…&group=…&customer=…  A parameter that is present but empty stands for a
// customer with no team (collector, group): that is a value of its own, not "all".
export const LEVELS = ["team", "collector", "group", "customer"];

export function readPath(search) {
  const params = new URLSearchParams(search);
  const path = {};
  for (const level of LEVELS) {
    if (!params.has(level)) break;
    path[level] = params.get(level) === "" ? null : params.get(level);
  }
  return path;
}

export function hrefFor(path) {
  const params = new URLSearchParams();
  for (const level of LEVELS) if (level in path) params.set(level, path[level] ?? "");
  const query = params.toString();
  return query ? `?${query}` : "?";
}

/** The next level to show below a path. */
export function nextLevel(path) {
  return LEVELS.find((level) => !(level in path)) ?? "invoice";
}

/** Adds amounts given as exact decimal strings, in cents, so totals never drift. */
export function addAmounts(values, minorUnits) {
  const scale = 10n ** BigInt(minorUnits);
  let total = 0n;
  for (const v of values) {
    if (v == null) continue;
    const [whole, fraction = ""] = String(v).replace("-", "").split(".");
    const cents = BigInt(whole) * scale + BigInt((fraction + "0".repeat(minorUnits)).slice(0, minorUnits) || "0");
    total += String(v).startsWith("-") ? -cents : cents;
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const digits = minorUnits > 0 ? `.${String(abs % scale).padStart(minorUnits, "0")}` : "";
  return `${negative ? "-" : ""}${abs / scale}${digits}`;
}

/** The customer shard holding an id: the last shard whose first id sorts at or before it. */
export function shardOf(customerId, shards) {
  let found = shards[0]?.shard;
  for (const s of shards) if (s.first_customer_id <= customerId) found = s.shard;
  return found;
}
