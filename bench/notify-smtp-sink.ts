// A local SMTP server for the delivery benchmark, in its own process so that it does not share the
// delivering process's event loop: accepts every message, counts them, keeps nothing.
// Usage: node --import tsx bench/notify-smtp-sink.ts   (prints "listening <port>", then "received <n>" on SIGTERM)
import { SMTPServer } from "smtp-server";

let received = 0;
const server = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  closeTimeout: 1,
  onData(stream, _session, callback) {
    stream.on("data", () => {});
    stream.on("end", () => {
      received += 1;
      callback(null, `Ok: queued as bench-${received}`);
    });
  },
});
server.on("error", () => {});
server.listen(0, "127.0.0.1", () => {
  const address = server.server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => {
  process.stdout.write(`received ${received}\n`);
  process.exit(0);
});
