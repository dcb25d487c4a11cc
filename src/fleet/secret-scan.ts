/**
 * A secret written into the fleet file by mistake is refused before anything is sent: the file is
 * meant for version control and job runners, and secrets come from references only
 * (docs/fleet.md#secrets-never-in-the-file). These are shapes of credentials, not proofs:
 * a private key or certificate block, a JSON Web Token (three base64url parts starting `eyJ`,
 * as Microsoft Purview's "Microsoft Entra client access token" type also matches:
 * https://learn.microsoft.com/purview/sit-defn-azure-ad-client-access-token), and the shape Entra client secrets have
 * shown since 2021 (three characters, a digit, `Q~`, 31 to 34 more; Microsoft does not publish a
 * grammar, so this is a guard, not a promise).
 */
const SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/, 'a token (JWT)'],
  [/(?:^|[^\w~.-])[\w~.-]{3}\dQ~[\w~.-]{31,34}(?:$|[^\w~.-])/, 'a client secret'],
];

/** What the value looks like, when it looks like a secret. */
export function looksLikeSecret(value: string): string | undefined {
  for (const [pattern, what] of SHAPES) if (pattern.test(value)) return what;
  return undefined;
}
