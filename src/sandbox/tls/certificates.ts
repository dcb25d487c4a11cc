import { generateRsaKeys, privateKeyPem, randomSerial, RSA_SHA256, x509 } from '../../core/x509.ts';

/** PEM material for the sandbox's HTTPS and SMTP listeners; the CA certificate is public. */
export interface SandboxCertificates {
  caPem: string;
  /** Server certificate for 127.0.0.1 and localhost, signed by the CA. */
  certPem: string;
  /** PKCS#8 private key of the server certificate. */
  keyPem: string;
}

/**
 * A throw-away CA plus a server certificate with IP and DNS subject alternative names. MSAL and
 * @azure/identity insist on https authorities (docs/sdk-behaviour.md#azureidentity-and-msal-node), so the sandbox must serve TLS that
 * the client can be told to trust.
 */
export async function createSandboxCertificates(now: Date): Promise<SandboxCertificates> {
  const notBefore = new Date(now.getTime() - 24 * 3600_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);
  const caKeys = await generateRsaKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=entra-mail sandbox CA, O=entra-mail sandbox',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const serverKeys = await generateRsaKeys();
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
    ],
  });

  return {
    caPem: `${ca.toString('pem')}\n`,
    certPem: `${server.toString('pem')}\n`,
    keyPem: await privateKeyPem(serverKeys.privateKey),
  };
}
