import type { SendOutcome, TestMessage } from './send-outcome.ts';

/**
 * The test message through Graph `POST /users/{mailbox}/sendMail` (docs/graph-mail-and-organization.md#sendmail): 202 means
 * accepted. The Graph client sends the bearer token only to hosts it trusts, so the endpoint's
 * hostname (no port) goes into `customHosts` (docs/sdk-behaviour.md#microsoftmicrosoft-graph-client-3x). Retries are off: a 503/504 on this
 * POST may already have sent the message.
 */
export async function sendTestMessageGraph(graphEndpoint: string, accessToken: string, message: TestMessage): Promise<SendOutcome> {
  const { Client, GraphError, RetryHandlerOptions } = await import('@microsoft/microsoft-graph-client');
  const client = Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => accessToken },
    baseUrl: `${graphEndpoint.replace(/\/+$/, '')}/`,
    customHosts: new Set([new URL(graphEndpoint).hostname]),
  });
  const body = {
    message: {
      subject: message.subject,
      body: { contentType: 'Text', content: message.text },
      toRecipients: [{ emailAddress: { address: message.to } }],
      ...(message.from.toLowerCase() === message.mailbox.toLowerCase() ? {} : { from: { emailAddress: { address: message.from } } }),
    },
    saveToSentItems: false,
  };
  try {
    await client
      .api(`/users/${encodeURIComponent(message.mailbox)}/sendMail`)
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .post(body);
    return { ok: true, detail: `Graph accepted the message (202) from ${message.mailbox} to ${message.to}.` };
  } catch (error) {
    if (error instanceof GraphError && error.statusCode > 0) {
      const failure = { kind: 'graph' as const, status: error.statusCode, code: error.code ?? 'unknown' };
      return { ok: false, failure: error.requestId ? { ...failure, requestId: error.requestId } : failure };
    }
    const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    return { ok: false, failure: { kind: 'network', transport: 'graph', ...(code ? { code } : {}) } };
  }
}
