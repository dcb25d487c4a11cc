import type { GraphGateway } from '../graph/gateway.ts';
import type { Application } from '../graph/types.ts';
import type { AppCertificate } from './certificate.ts';

/**
 * The app's certificates are one collection that PATCH replaces wholesale (docs/graph-applications.md#update, docs/graph-applications.md#certificates-keycredentials-addkey):
 * addKey cannot add the first certificate (it needs proof of an existing one), so the tool always
 * writes the full list: every certificate it keeps, foreign ones included, plus or minus its own.
 * Existing entries are sent as `{keyId}` with their key; the keyId of a new entry is chosen here,
 * which makes the PATCH safe to repeat after a dropped connection (the same keyId again).
 */
export interface KeyCredentialInput {
  keyId: string;
  type: 'AsymmetricX509Cert';
  usage: 'Verify';
  key: string | null;
  displayName: string | null;
  startDateTime?: string;
  endDateTime?: string;
}

/** The current list as PATCH input (keys as read with `$select=keyCredentials`). */
export function currentKeyCredentials(app: Application): KeyCredentialInput[] {
  return app.keyCredentials.map((k) => ({
    keyId: k.keyId,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: k.key ?? null,
    displayName: k.displayName,
  }));
}

/** The entry for a new certificate: public DER only. */
export function newKeyCredential(keyId: string, displayName: string, certificate: AppCertificate): KeyCredentialInput {
  return {
    keyId,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: certificate.publicDerBase64,
    displayName,
    startDateTime: certificate.notBefore.toISOString(),
    endDateTime: certificate.notAfter.toISOString(),
  };
}

/** `PATCH /applications/{id}` with the full keyCredentials list → 204. */
export async function writeKeyCredentials(graph: GraphGateway, applicationId: string, keyCredentials: KeyCredentialInput[]): Promise<void> {
  await graph.send(
    { method: 'PATCH', path: `/applications/${applicationId}`, body: { keyCredentials } },
    { step: 'certificate', object: `application ${applicationId}`, idempotent: true },
  );
}
