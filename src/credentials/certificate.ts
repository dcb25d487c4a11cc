import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { Secret } from '../secret.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/**
 * A self-signed certificate for an app's key credential (graph.md §3.5): Entra only ever gets the
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
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${escapeDnValue(options.subject)}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const der = Buffer.from(certificate.rawData);
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: new Secret(toPem('PRIVATE KEY', pkcs8)),
    publicDerBase64: der.toString('base64'),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    notBefore,
    notAfter,
  };
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** RFC 4514: the characters that must be escaped in a DN attribute value. */
function escapeDnValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]|[ ]$/g, (c) => `\\${c}`);
}
