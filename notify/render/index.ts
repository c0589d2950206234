// The digest renderer's entry point (being built by the notify-mail work of issue 8).
// renderDigest is asynchronous: nodemailer's MailComposer builds the MIME through a stream.
import type { Digest, RenderedMessage } from "../digest.ts";

/** One recipient's digest as a whole MIME message (HTML + text + CSV attachment), byte-stable for the same digest. */
export async function renderDigest(_digest: Digest): Promise<RenderedMessage> {
  throw new Error("the digest renderer is not built yet");
}
