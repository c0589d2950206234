import { describe, expect, it } from "vitest";
import { emlFileName, withoutBcc } from "../../notify/deliver-outbox.ts";
import { classifyFailure, describeSmtp, envelopeFrom, redactor } from "../../notify/deliver-smtp.ts";

describe("classifyFailure(error)", () => {
  it.each([
    ["a 5xx to RCPT TO", { code: "EENVELOPE", responseCode: 550 }, "permanent"],
    ["a 5xx to DATA", { code: "EMESSAGE", responseCode: 554 }, "permanent"],
    ["a 4xx to RCPT TO", { code: "EENVELOPE", responseCode: 451 }, "temporary"],
    ["a 4xx to DATA", { code: "EMESSAGE", responseCode: 452 }, "temporary"],
    ["an envelope nodemailer refuses", { code: "EENVELOPE" }, "permanent"],
    ["a refused connection", { code: "ECONNECTION" }, "unreachable"],
    ["a timeout", { code: "ETIMEDOUT" }, "unreachable"],
    ["a failed login (535)", { code: "EAUTH", responseCode: 535 }, "unreachable"],
    ["an error of no known kind", new Error("something odd"), "temporary"],
  ])("%s is %s", (_what, error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });
});

describe("redactor(smtpUrl)", () => {
  it("hides the credentials of any URL and the password wherever it appears, encoded or not", () => {
    const redact = redactor("smtp://mailer:p%40ss-w0rd@mail.example.com:587");
    expect(redact("cannot reach smtp://mailer:p%40ss-w0rd@mail.example.com:587 (login p@ss-w0rd refused)")).toBe(
      "cannot reach smtp://***@mail.example.com:587 (login *** refused)",
    );
    expect(describeSmtp("smtps://mailer:p%40ss-w0rd@mail.example.com")).toBe("smtps://mail.example.com:465");
    expect(describeSmtp("smtp://mail.example.com")).toBe("smtp://mail.example.com:587");
  });
});

describe("envelopeFrom(rawMime)", () => {
  it("reads the From address from the header block, folded or encoded", () => {
    expect(envelopeFrom("To: b@example.com\r\nFrom: =?UTF-8?Q?AR_t=C3=A9am?=\r\n <ar@example.com>\r\n\r\nFrom: body@example.com")).toBe("ar@example.com");
  });
  it("fails permanently when there is none", () => {
    let error: unknown;
    try {
      envelopeFrom("To: b@example.com\r\n\r\nFrom: body@example.com");
    } catch (e) {
      error = e;
    }
    expect(classifyFailure(error)).toBe("permanent");
  });
});

describe("withoutBcc(rawMime)", () => {
  it("drops a Bcc header with its folded lines, and nothing in the body", () => {
    expect(withoutBcc("From: a@example.com\r\nBcc: x@example.com,\r\n y@example.com\r\nTo: b@example.com\r\n\r\nBcc: stays in the body\r\n")).toBe(
      "From: a@example.com\r\nTo: b@example.com\r\n\r\nBcc: stays in the body\r\n",
    );
  });
  it("leaves a message without Bcc byte for byte", () => {
    const raw = "From: a@example.com\r\nTo: b@example.com\r\n\r\nbody\r\n";
    expect(withoutBcc(raw)).toBe(raw);
  });
});

describe("emlFileName(messageId)", () => {
  it("keeps a plain id, and makes any other safe and distinct", () => {
    expect(emlFileName("3f2a-11@arwatch")).toBe("3f2a-11@arwatch.eml");
    expect(emlFileName("a/b@arwatch")).toMatch(/^a_b@arwatch-[0-9a-f]{10}\.eml$/);
    expect(emlFileName("a/b@arwatch")).not.toBe(emlFileName("a\\b@arwatch"));
    expect(emlFileName("..@arwatch")).toMatch(/^_@arwatch-[0-9a-f]{10}\.eml$/);
  });
});
