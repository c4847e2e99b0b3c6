/**
 * Certificates made with Debian's `openssl` for each test run, and a local HTTPS stand-in for
 * Amazon's two endpoints. Nothing here is checked in: keys and certificates live in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A key and the certificate chain a server presents (leaf first). */
export interface ServerIdentity {
  key: string;
  cert: string;
}

/** Everything one test file needs: a trusted-by-choice CA and one server identity per case. */
export interface TestPki {
  dir: string;
  /** Path of the PEM of the CA that a client may trust (NODE_EXTRA_CA_CERTS). */
  caPath: string;
  /** A leaf for 127.0.0.1 and localhost, signed by the CA, valid now. */
  good: ServerIdentity;
  /** A self-signed leaf for 127.0.0.1 and localhost. */
  selfSigned: ServerIdentity;
  /** A leaf for 127.0.0.1 signed by another CA that nobody trusts (leaf only). */
  unknownCa: ServerIdentity;
  /** The same leaf with that CA's root sent along. */
  unknownCaWithRoot: ServerIdentity;
  /** A leaf for another host name (`api.example.net`), signed by the CA, valid now. */
  otherHost: ServerIdentity;
  /** A leaf for 127.0.0.1, signed by the CA, that expired yesterday. */
  expired: ServerIdentity;
  remove(): void;
}

const LOCAL_NAMES = 'IP:127.0.0.1,DNS:localhost';
const DAY_MS = 24 * 60 * 60 * 1000;

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${String((err as { stderr?: unknown }).stderr)}`);
  }
}

/** `openssl ca` takes explicit validity dates as YYMMDDHHMMSSZ. */
function asn1Time(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(path.join(dir, `${name}.cnf`), [
    '[ca]', 'default_ca = this', '[this]', `database = ${name}.index`, `serial = ${name}.serial`, 'new_certs_dir = .', 'default_md = sha256',
    'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', '',
  ].join('\n'));
  writeFileSync(path.join(dir, `${name}.index`), '');
  writeFileSync(path.join(dir, `${name}.serial`), '1000\n');
}

/** A leaf key and certificate for `names`, signed by CA `ca` with the given validity window. */
function makeLeaf(dir: string, name: string, ca: string, names: string, notBefore: number, notAfter: number): ServerIdentity {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(path.join(dir, `${name}.ext`), [
    `subjectAltName = ${names}`, 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = serverAuth', 'authorityKeyIdentifier = keyid', '',
  ].join('\n'));
  openssl(dir, ['ca', '-batch', '-notext', '-config', `${ca}.cnf`, '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`,
    '-in', `${name}.csr`, '-out', `${name}.pem`, '-extfile', `${name}.ext`,
    '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter)]);
  return { key: readFileSync(path.join(dir, `${name}.key`), 'utf8'), cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8') };
}

function makeSelfSigned(dir: string, name: string): ServerIdentity {
  openssl(dir, ['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '2',
    '-addext', `subjectAltName=${LOCAL_NAMES}`, '-addext', 'extendedKeyUsage=serverAuth']);
  return { key: readFileSync(path.join(dir, `${name}.key`), 'utf8'), cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8') };
}

/** Makes a fresh PKI in a temp dir (about a second of openssl). */
export function makeTestPki(now = Date.now()): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lwa-tls-'));
  makeCa(dir, 'test-ca');
  makeCa(dir, 'untrusted-ca');
  const unknownCa = makeLeaf(dir, 'unknown-ca-leaf', 'untrusted-ca', LOCAL_NAMES, now - DAY_MS, now + DAY_MS);
  return {
    dir,
    caPath: path.join(dir, 'test-ca.pem'),
    good: makeLeaf(dir, 'good', 'test-ca', LOCAL_NAMES, now - DAY_MS, now + DAY_MS),
    selfSigned: makeSelfSigned(dir, 'self-signed'),
    unknownCa,
    unknownCaWithRoot: { key: unknownCa.key, cert: unknownCa.cert + readFileSync(path.join(dir, 'untrusted-ca.pem'), 'utf8') },
    otherHost: makeLeaf(dir, 'other-host', 'test-ca', 'DNS:api.example.net', now - DAY_MS, now + DAY_MS),
    expired: makeLeaf(dir, 'expired', 'test-ca', LOCAL_NAMES, now - 2 * DAY_MS, now - DAY_MS),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A local HTTPS Amazon: answers tokeninfo and profile for one token, counts what reached it. */
export interface HttpsAmazon {
  /** `https://127.0.0.1:<port>` */
  url: string;
  endpoints: { tokenInfoURL: string; profileURL: string };
  /** HTTP requests that got through the handshake. */
  requests: () => number;
  /** TCP connections accepted (so a refusal cannot pass for a TLS failure). */
  connections: () => number;
  close(): Promise<void>;
}

export async function startHttpsAmazon(identity: ServerIdentity, token: string, bodies: Record<string, unknown>): Promise<HttpsAmazon> {
  let requests = 0;
  let connections = 0;
  const server = https.createServer({ key: identity.key, cert: identity.cert }, (req, res) => {
    requests += 1;
    const body = req.headers['x-amz-access-token'] === token ? bodies[req.url ?? ''] : undefined;
    res.writeHead(body === undefined ? 401 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'invalid_token' }));
  });
  server.on('connection', () => { connections += 1; });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    url,
    endpoints: { tokenInfoURL: `${url}/auth/o2/tokeninfo`, profileURL: `${url}/user/profile` },
    requests: () => requests,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
