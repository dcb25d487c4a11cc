import type { SandboxResponse } from '../context.ts';

/**
 * A cmdlet failure as Exchange Online's InvokeCommand reports it (docs/exchange-invoke-command.md#response): a
 * generic `error.message`, the real reason in `error.details[].message` shaped
 * `<code>|<exception type>|<text>`; clients take the text after the last `|`.
 */
export class ExchangeCmdletError extends Error {
  readonly status: number;
  readonly exceptionType: string;
  readonly detailCode: string;

  constructor(status: number, exceptionType: string, message: string, detailCode = 'Ex6F9304') {
    super(message);
    this.name = 'ExchangeCmdletError';
    this.status = status;
    this.exceptionType = exceptionType;
    this.detailCode = detailCode;
  }
}

/** 404 ManagementObjectNotFoundException for an identity that does not resolve. */
export function objectNotFound(identity: string): ExchangeCmdletError {
  return new ExchangeCmdletError(
    404,
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `The operation couldn't be performed because object '${identity}' couldn't be found on 'SANDBOX01A001.prod.outlook.com'.`,
  );
}

/** 400 for a bad or unknown parameter, or a task-level refusal. */
export function badRequest(
  message: string,
  exceptionType = 'Microsoft.Exchange.Configuration.Tasks.TaskArgumentException',
): ExchangeCmdletError {
  return new ExchangeCmdletError(400, exceptionType, message, 'Ex8E3A2C');
}

/** The JSON error envelope for a cmdlet error. */
export function cmdletErrorResponse(error: ExchangeCmdletError, requestId: string): SandboxResponse {
  const code = error.status === 404 ? 'NotFound' : error.status === 403 ? 'Forbidden' : 'BadRequest';
  return {
    status: error.status,
    headers: { 'content-type': 'application/json; odata.metadata=minimal', 'request-id': requestId },
    body: {
      error: {
        code,
        message: error.status === 404 ? 'Error executing cmdlet' : 'Invalid Operation',
        details: [{ code: error.detailCode, target: '', message: `${error.detailCode}|${error.exceptionType}|${error.message}` }],
        innererror: { 'request-id': requestId },
      },
    },
  };
}
