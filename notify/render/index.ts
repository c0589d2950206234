// The digest renderer: one recipient's digest as a whole MIME message (HTML and plain text, with
// the CSV attachment), in the digest's locale. The subject names the run's as-of date and counts,
// never a customer, so no data reaches a header. Asynchronous only because MailComposer builds
// through a stream; the result depends on the digest alone (no clock, no randomness).
import type { Digest, RenderedMessage } from "../digest.ts";
import { digestContent } from "./content.ts";
import { digestCsv } from "./csv.ts";
import { digestHtml } from "./html.ts";
import { composeMime } from "./mime.ts";
import { digestText } from "./text.ts";

/** One recipient's digest as a whole MIME message, byte-stable for the same digest; throws on an invalid recipient. */
export async function renderDigest(digest: Digest): Promise<RenderedMessage> {
  const content = digestContent(digest);
  const rawMime = await composeMime(digest, {
    subject: content.subject,
    text: digestText(content),
    html: digestHtml(content),
    csv: digestCsv(digest),
    csvFileName: `arwatch-${digest.asOf}.csv`,
  });
  return { subject: content.subject, rawMime };
}
