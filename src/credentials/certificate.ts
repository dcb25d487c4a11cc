import { createHash } from 'node:crypto';
import { Secret } from '../core/secret.ts';

/**
 * A self-signed certificate for an app's key credential (docs/graph-applications.md#certificates-keycredentials-addkey): Entra only ever gets the
 * public part (`publicDerBase64`); the private key stays in a 0600 file and is wrapped in a Secret
 * so it prints as `[redacted]` everywhere.
 */
export interface AppCertificate {
  certificatePem: string;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: Secret;
  /** Base64 DER of the certificate: the `key` of a keyCredential. */
  publicDerBase64: string;
  /** SHA-1 thumbprint, upper-case hex (the portal's "Thumbprint"; customKeyIdentifier). */
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * RSA 2048 / SHA-256, self-signed, valid from a minute before `now` (clock skew) for
 * `lifetimeDays`. `subject` is a plain name; it becomes `CN=<subject>`.
 */
export async function generateAppCertificate(options: { subject: string; lifetimeDays: number; now: Date }): Promise<AppCertificate> {
  const notBefore = new Date(options.now.getTime() - 60_000);
  const notAfter = new Date(options.now.getTime() + options.lifetimeDays * 86_400_000);
  const { generateRsaKeys, privateKeyPem, randomSerial, RSA_SHA256, x509 } = await import('../core/x509.ts');
  const keys = await generateRsaKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${escapeDnValue(options.subject)}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const der = Buffer.from(certificate.rawData);
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: new Secret(await privateKeyPem(keys.privateKey)),
    publicDerBase64: der.toString('base64'),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    notBefore,
    notAfter,
  };
}

/** RFC 4514: the characters that must be escaped in a DN attribute value. */
function escapeDnValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]|[ ]$/g, (c) => `\\${c}`);
}

/**
 * The one-file form the tool writes (private key, then certificate, 0600) and the sign-in form
 * verify needs, both ways.
 */
export function combinedPem(certificate: Pick<AppCertificate, 'certificatePem' | 'privateKeyPem'>): Secret {
  return new Secret(`${certificate.privateKeyPem.reveal()}${certificate.certificatePem}`);
}

export function splitCombinedPem(pem: Secret): { kind: 'certificate'; certificatePem: string; privateKeyPem: Secret } {
  const text = pem.reveal();
  const at = text.indexOf('-----BEGIN CERTIFICATE-----');
  return { kind: 'certificate', certificatePem: text.slice(at), privateKeyPem: new Secret(text.slice(0, at)) };
}
