import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import type { DeliveredMessage } from '../state.ts';

/**
 * The sandbox's mail drop: accepted messages are appended to `state.mail.delivered` (and
 * persisted with `--state FILE`) so the CLI can list them and tests can assert delivery.
 */

export interface DeliveryInput {
  via: DeliveredMessage['via'];
  from: string;
  to: string[];
  subject: string;
  appId: string;
  size: number;
}

/** Append a delivered message and persist the state. */
export async function deliverMessage(ctx: SandboxContext, input: DeliveryInput): Promise<DeliveredMessage> {
  const message: DeliveredMessage = {
    id: randomUUID(),
    via: input.via,
    from: input.from.toLowerCase(),
    to: input.to.map((a) => a.toLowerCase()),
    subject: input.subject,
    appId: input.appId,
    receivedAt: ctx.clock.now().toISOString(),
    size: input.size,
  };
  ctx.state.mail.delivered.push(message);
  await ctx.persist();
  return message;
}

/** Delivered messages, oldest first, optionally only those to/from an address (for `--json` listing). */
export function listDeliveredMessages(ctx: SandboxContext, filter: { to?: string; from?: string } = {}): DeliveredMessage[] {
  const to = filter.to?.toLowerCase();
  const from = filter.from?.toLowerCase();
  return ctx.state.mail.delivered.filter((m) => (to === undefined || m.to.includes(to)) && (from === undefined || m.from === from));
}

/** Header fields of a raw RFC 5322 message that the sandbox records: Subject and the From address. */
export function readMessageHeaders(raw: Buffer): { subject: string; from?: string } {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
  const fromField = field('From');
  const from = fromField ? (/<([^>]+)>/.exec(fromField)?.[1] ?? fromField).trim() : undefined;
  return { subject: decodeEncodedWords(field('Subject') ?? ''), from };
}

/** RFC 2047 `=?charset?B|Q?…?=` words, as nodemailer writes non-ASCII subjects. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, data: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
      const bytes = data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}
