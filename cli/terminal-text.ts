/**
 * Extract text reaches the terminal through `arwatch sql`: an ESC in a customer's name could move
 * the cursor, retitle the window or hide what follows; a bidirectional override could show a figure
 * reversed. Such characters are printed as visible escapes instead (\x1b, \u202e).
 */
// C0 controls except tab/newline/CR, DEL, C1 controls, and the Unicode bidi and line/paragraph separators.
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]/g;

function visible(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Makes control characters visible; tabs, newlines and carriage returns are kept (CSV quotes them). */
export function safeForTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** For one line of a table: also tabs, newlines and carriage returns, which would break the columns. */
export function safeForTableCell(text: string): string {
  return safeForTerminal(text).replace(/[\r\n\t]/g, " ");
}
