import type { OutputStream } from './deps.ts';

/**
 * Text that comes from the tenant (display names, tags, credential names), from a server (Graph
 * error codes and request ids, SMTP replies) or from argv can carry terminal control sequences —
 * `ESC [2J` clears the screen, `ESC ] 0;…BEL` retitles the window — and Unicode bidirectional
 * controls that make a line display differently from what it holds ("Trojan Source",
 * https://trojansource.codes/, CVE-2021-42574). Before any of it reaches a terminal each such
 * character is written as a `\uXXXX` escape: readable, and — inside a JSON string — the same value,
 * so `--json` output still parses to exactly what was received.
 */

/** C0 controls but tab and line feed, DEL, C1 controls, the bidi controls (Unicode UAX #9) and the line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\r(?!\n)/g;
/** The same, plus line breaks and tabs: for one-line values such as a name or a request id. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_INLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Multi-line text (a message, a report): line breaks and tabs stay, everything else unsafe is escaped. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * The colour sequences src/core/style.ts writes (node:util styleText: bold, dim, red, green,
 * yellow and their resets) and no others: any other SGR in tenant or server text is escaped, so
 * text cannot be concealed (`ESC[8m`), drawn black on black, or made to blink.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const COLOUR = /(\u001b\[(?:1|2|22|31|32|33|39)m)/;

/** For the streams: like escapeForTerminal, but the colours src/core/style.ts adds pass (test/commands/terminal-safety.test.ts). */
function escapeKeepingColour(text: string): string {
  return text
    .split(COLOUR)
    .map((part, i) => (i % 2 === 1 ? part : escapeForTerminal(part)))
    .join('');
}

/** One value on one line: a line break is escaped too, so it cannot fake a second line of output. */
export function escapeInline(text: string): string {
  return text.replace(UNSAFE_INLINE, escapeChar);
}

export function hasBidiControl(text: string): boolean {
  return BIDI.test(text);
}

/**
 * A stream whose writes are escaped, for everything the commands print. `raw` is the stream
 * itself, for the progress renderer, whose own cursor sequences must pass (its task titles are the
 * tool's own text, and errors are escaped where they are made: src/errors.ts).
 */
export interface SafeOutputStream extends OutputStream {
  raw: OutputStream;
}

export function terminalSafe(stream: OutputStream): SafeOutputStream {
  if ((stream as Partial<SafeOutputStream>).raw) return stream as SafeOutputStream;
  return {
    write: (chunk: string) => stream.write(escapeKeepingColour(String(chunk))),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return (stream as { columns?: number }).columns;
    },
    raw: stream,
  } as SafeOutputStream;
}

/** The stream under a terminalSafe one: for a renderer or prompt that writes its own cursor sequences. */
export function rawStream(stream: OutputStream): OutputStream {
  return (stream as Partial<SafeOutputStream>).raw ?? stream;
}
