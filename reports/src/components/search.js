// Customer search over a sharded word index: each entry is one word of a customer's name or id,
// lower-cased with accents stripped exactly as DuckDB's strip_accents(lower()) does at export.
// A query loads only the chunks its longest word can be in, so a page never loads the whole index.
export function normalise(text) {
  return String(text ?? "").toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The chunks whose words can start with the prefix: from the last chunk starting at or before it. */
export function chunksFor(prefix, directory) {
  const chunks = [];
  for (let i = 0; i < directory.length; i++) {
    const next = directory[i + 1];
    const startsBeforeEnd = directory[i].first_word <= `${prefix}\uffff`;
    const endsAfterStart = !next || next.first_word >= prefix;
    if (startsBeforeEnd && endsAfterStart) chunks.push(directory[i].chunk);
  }
  return chunks;
}

/** Customers whose name or id has a word starting with every word of the query. */
export async function searchCustomers(query, directory, load, limit = 200) {
  const words = normalise(query);
  if (words.length === 0) return { results: [], chunks: 0 };
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  const chunks = chunksFor(longest, directory).slice(0, 3);
  const entries = (await Promise.all(chunks.map(load))).flat();
  const seen = new Map();
  for (const e of entries) {
    if (!e.w.startsWith(longest) || seen.has(e.id)) continue;
    const nameWords = e.a.split(" ");
    if (words.every((q) => nameWords.some((w) => w.startsWith(q)))) seen.set(e.id, e);
  }
  const results = [...seen.values()].sort((a, b) => Number(b.o) - Number(a.o)).slice(0, limit);
  return { results, chunks: chunks.length };
}
