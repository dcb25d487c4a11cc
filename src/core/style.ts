import { styleText } from 'node:util';
import type { OutputStream } from './deps.ts';

/**
 * Colour only for a person at a terminal: never when NO_COLOR is set to anything non-empty
 * (https://no-color.org), always when FORCE_COLOR is set to a value other than 0 (Node.js honours the
 * same pair: https://nodejs.org/api/cli.html#force_color1-2-3), otherwise when the stream is a TTY
 * and TERM is not "dumb". Decided per stream: stdout may be piped while stderr is a terminal.
 */
export function wantsColor(stream: Pick<OutputStream, 'isTTY'>, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export type Paint = (text: string) => string;

export interface Palette {
  enabled: boolean;
  ok: Paint;
  bad: Paint;
  warn: Paint;
  dim: Paint;
  bold: Paint;
}

const plain: Paint = (text) => text;

/** The few styles the tool uses; identity functions when colour is off. */
export function createPalette(enabled: boolean): Palette {
  // validateStream: false — the decision above is ours (tests inject streams that are not process.stdout).
  const paint =
    (format: Parameters<typeof styleText>[0]): Paint =>
    (text) =>
      styleText(format, text, { validateStream: false });
  if (!enabled) return { enabled, ok: plain, bad: plain, warn: plain, dim: plain, bold: plain };
  return { enabled, ok: paint('green'), bad: paint('red'), warn: paint('yellow'), dim: paint('dim'), bold: paint('bold') };
}

export function paletteFor(stream: Pick<OutputStream, 'isTTY'>, env: NodeJS.ProcessEnv): Palette {
  return createPalette(wantsColor(stream, env));
}
