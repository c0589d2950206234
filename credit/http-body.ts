// Reading a request's JSON body: the content type, a size limit enforced while reading (a client
// cannot make the server buffer more than the limit), and an object at the top.
import type { IncomingMessage } from "node:http";

/** A request the API refuses before it reaches the credit check: status and a reason for the client. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

export const MAX_BODY_BYTES = 64 * 1024;

/** application/json, with or without parameters (charset=utf-8); nothing else. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const type = header.split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return false;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header)?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/** The body as a JSON object; HttpProblem(400) for anything else. */
export async function readJsonObject(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  if (!isJsonContentType(req.headers["content-type"])) {
    throw new HttpProblem(400, "the body must be JSON: send Content-Type: application/json");
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) throw new HttpProblem(400, `the body is larger than ${maxBytes} bytes`);
  const text = await readText(req, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpProblem(400, "the body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new HttpProblem(400, "the body must be a JSON object");
  return value as Record<string, unknown>;
}

function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading: the rest is never buffered, and the connection is closed after the answer.
        cleanup();
        req.pause();
        reject(new HttpProblem(400, `the body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const buffer = Buffer.concat(chunks, size);
      // Invalid UTF-8 would silently become U+FFFD: refuse it instead.
      try {
        resolve(new TextDecoder("utf-8", { fatal: true }).decode(buffer));
      } catch {
        reject(new HttpProblem(400, "the body is not valid UTF-8"));
      }
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
