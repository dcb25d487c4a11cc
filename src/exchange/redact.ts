import { REDACTED } from '../core/secret.ts';

/**
 * Output of pwsh is shown to the admin when a script fails, but it may carry a token: a JWT printed
 * by a debugging module, an `Authorization: Bearer …` header in a verbose trace. Anything shaped like
 * one is replaced before the text reaches an error message or a log.
 */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|access_token|refresh_token|AccessToken|client_secret)(["']?\s*[:=]?\s*["']?)[A-Za-z0-9._~+/=-]{8,}/gi;

/** The text with every JWT-shaped string and bearer/access-token value replaced by `[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(JWT, REDACTED).replace(BEARER, (_match, word: string, separator: string) => `${word}${separator}${REDACTED}`);
}
