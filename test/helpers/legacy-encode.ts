/**
 * Encodes text into a single-byte code page (windows-874, windows-1258) by inverting Node's own
 * decoder, for tests that need files as a Thai or Vietnamese system writes them. A character the
 * code page has no byte for is written decomposed (Windows-1258 keeps tone marks as combining
 * characters: "ệ" becomes "ê" + U+0323), and one it cannot write at all is an error.
 */
export function encodeLegacy(text: string, encoding: string): Buffer {
  const decoder = new TextDecoder(encoding);
  const byteOf = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (ch !== "\ufffd" && !byteOf.has(ch)) byteOf.set(ch, b);
  }
  const bytes: number[] = [];
  const put = (ch: string): boolean => {
    const b = byteOf.get(ch);
    if (b === undefined) return false;
    bytes.push(b);
    return true;
  };
  for (const ch of text.normalize("NFC")) {
    if (put(ch)) continue;
    const parts = [...ch.normalize("NFD")];
    // A base with a precomposed form in the code page (ê = e + U+0302) and a tone mark left over
    // (U+0323); NFD puts the dot below first, so each mark is tried with the base.
    const split = parts.slice(1).findIndex((mark, i) => {
      const base = (parts[0]! + mark).normalize("NFC");
      const rest = parts.slice(1).filter((_, j) => j !== i);
      return base.length === 1 && byteOf.has(base) && rest.every((p) => byteOf.has(p));
    });
    if (split !== -1) {
      put((parts[0]! + parts[split + 1]!).normalize("NFC"));
      parts.slice(1).filter((_, j) => j !== split).forEach(put);
      continue;
    }
    if (!parts.every((p) => byteOf.has(p))) throw new Error(`${encoding} cannot write ${JSON.stringify(ch)}`);
    parts.forEach(put);
  }
  return Buffer.from(bytes);
}
