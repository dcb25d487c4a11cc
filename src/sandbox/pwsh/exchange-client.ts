import type { PwshSession } from './session.ts';
import { PSRuntimeError } from './runtime-error.ts';
import type { PSValue } from './values.ts';
import { fromJson } from './values.ts';

/** One InvokeCommand answer: output objects and warnings. */
export interface InvokeResult {
  value: PSValue[];
  warnings: string[];
}

/**
 * Calls the sandbox's Exchange endpoint the way the V3 module does (docs/exchange-invoke-command.md#request, docs/exchange-invoke-command.md#response):
 * one POST per cmdlet; an error becomes a PowerShell error carrying the text after the last `|` of
 * `error.details[0].message`.
 */
export async function invokeExchangeCmdlet(
  session: PwshSession,
  cmdlet: string,
  parameters: Record<string, unknown>,
): Promise<InvokeResult> {
  const url = `${session.endpoint.replace(/\/+$/, '')}/adminapi/beta/${encodeURIComponent(session.tenantId)}/InvokeCommand`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${session.token}`,
      'content-type': 'application/json',
      'x-anchormailbox': `UPN:${session.userPrincipalName}`,
      'x-cmdletname': cmdlet,
    },
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
  });
  const text = await response.text();
  let body: { value?: unknown[]; '@adminapi.warnings'?: string[]; error?: { message?: string; details?: { message?: string }[] } } = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    // a non-JSON answer is reported by status below
  }
  if (!response.ok) {
    const detail = body.error?.details?.[0]?.message ?? body.error?.message ?? `HTTP ${response.status}`;
    const message = detail.split('|').at(-1) ?? detail;
    throw new PSRuntimeError(message, { cmdlet, status: response.status });
  }
  return { value: (body.value ?? []).map(fromJson), warnings: body['@adminapi.warnings'] ?? [] };
}
