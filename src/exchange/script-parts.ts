import type { ExchangeScriptInput } from './script-input.ts';
import { quotePowerShellLiteral } from './quote.ts';
import { RESULT_PREFIX } from './result.ts';
import { renderFragment } from './fragments.ts';

/** The fragments every script shares: header, sign-in, result line. */

/** The readable header: what the script does, step by step (the steps carry no user values). */
export function renderHeader(input: ExchangeScriptInput, title: string, steps: readonly string[]): string {
  return renderFragment('header', {
    title,
    generatedBy: input.generatedBy,
    model: input.model,
    tenantId: input.tenantId,
    steps: steps.map((step, index) => `#   ${index + 1}. ${step}`).join('\n'),
  });
}

/**
 * `Connect-ExchangeOnline` by interactive, device-code or certificate app-only sign-in, always with
 * `-ShowBanner:$false`; app-only needs `-Organization <tenant>.onmicrosoft.com` (docs/exchange-powershell.md#connecting). Appends the
 * step's description to `steps`.
 */
export function renderConnect(input: ExchangeScriptInput, steps: string[]): string {
  const exchangeEnvironmentName = quotePowerShellLiteral(input.exchangeEnvironmentName ?? 'O365Default', '--cloud');
  const connect = input.connect;
  if (connect.mode === 'device') {
    steps.push('Signs in to Exchange Online with a device code.');
    return renderFragment('connect-device', { exchangeEnvironmentName });
  }
  if (connect.mode === 'interactive') {
    steps.push('Signs in to Exchange Online interactively.');
    if (connect.userPrincipalName === undefined) return renderFragment('connect-interactive', { exchangeEnvironmentName });
    return renderFragment('connect-interactive-upn', {
      exchangeEnvironmentName,
      userPrincipalName: quotePowerShellLiteral(connect.userPrincipalName, '--exchange-user'),
    });
  }
  steps.push('Signs in to Exchange Online app-only with a certificate.');
  return renderFragment('connect-certificate', {
    exchangeEnvironmentName,
    connectAppId: quotePowerShellLiteral(connect.appId ?? '', '--exchange-app-id'),
    certificatePath: quotePowerShellLiteral(connect.certificatePath ?? '', '--exchange-certificate'),
    organization: quotePowerShellLiteral(connect.organization ?? '', '--exchange-organization'),
  });
}

/** The closing fragment; appends its step to `steps`. */
export function renderResult(steps: string[]): string {
  steps.push(`Signs out and prints one line starting with ${RESULT_PREFIX.trim()}: what changed, as JSON.`);
  return renderFragment('result', { resultPrefix: quotePowerShellLiteral(RESULT_PREFIX, 'resultPrefix') });
}
