import type { SandboxContext } from '../context.ts';

export interface SandboxSmtp {
  port: number;
  close(): Promise<void>;
}

/** SMTP submission with STARTTLS and AUTH XOAUTH2. (Being built.) */
export async function startSandboxSmtp(_ctx: SandboxContext, _options: { port: number; key: string; cert: string }): Promise<SandboxSmtp> {
  throw new Error('sandbox SMTP not built yet');
}
