/**
 * Signs skill requests as Alexa does (RSA-SHA256 over the raw body, base64, in `Signature-256`,
 * with the certificate's URL in `SignatureCertChainUrl`), with a key and certificate made by
 * Debian's openssl for the test run.
 */
import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SkillRequestSignatureVerifier } from 'ask-sdk-express-adapter';

/** Where Alexa's certificates live: the real verifier accepts only this host and path prefix. */
export const CERT_URL = 'https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem';

export interface SigningKey {
  key: string;
  cert: string;
}

/** A self-signed certificate for echo-api.amazon.com (valid now, one day): no public root vouches for it. */
export function makeSigningKey(): SigningKey {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alexa-signing-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=echo-api.amazon.com',
      '-addext', 'subjectAltName=DNS:echo-api.amazon.com',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The headers Alexa sends with `raw`. */
export function signatureHeaders(raw: string, { key }: SigningKey, certURL = CERT_URL): Record<string, string> {
  return { signaturecertchainurl: certURL, 'signature-256': sign('sha256', Buffer.from(raw, 'utf8'), key).toString('base64') };
}

/**
 * STAND-IN for the success path only: the real `SkillRequestSignatureVerifier` with the test
 * certificate put in its certificate cache for {@link CERT_URL}. Its header, URL and RSA-SHA256
 * body checks run as they are; what it skips is fetching the certificate and checking its chain to
 * a public root, which no test certificate can pass without the network or patching node-forge.
 */
export class SeededCertificateVerifier extends SkillRequestSignatureVerifier {
  constructor(cert: string, certURL = CERT_URL) {
    super();
    (this as unknown as { certCache: Map<string, string> }).certCache.set(certURL, cert);
  }
}
