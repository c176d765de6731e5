// `npm start -- --lan`: a certificate authority made on this machine and a server certificate it signs,
// so that phones on the same network get HTTPS (a secure context: camera, service worker). X.509 is
// built by @peculiar/x509 over Node's WebCrypto (ECDSA P-256, SHA-256); nothing here encodes ASN.1.
//
// Kept in DIR (the data dir's tls/): ca.pem + ca.key.pem (the CA, made once: a phone that trusts it
// keeps trusting it), sealpeer-ca.crt (the CA in DER, the file phones install), server.pem +
// server.key.pem (re-issued when the machine's names/addresses change or it nears expiry).
// Private keys are written with mode 0600.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/** The CA lives long: re-trusting it on every phone is the costly step. */
const CA_DAYS = 3650;
/** Leaf lifetime within what Apple accepts for user-trusted CAs (825 days) and browsers' 398. */
const LEAF_DAYS = 397;
/** A leaf with less than this left is re-issued at start. */
const RENEW_DAYS = 30;

export interface LocalTls {
  dir: string;
  certFile: string;
  keyFile: string;
  caFile: string;
  /** The CA in DER, to install on a phone. */
  caDerFile: string;
  /** base64 SHA-256 of the CA's and the leaf's SubjectPublicKeyInfo (Chromium's SPKI pin format). */
  caSpkiSha256: string;
  leafSpkiSha256: string;
  /** SHA-256 fingerprint of the CA certificate, as phones show it (AA:BB:…). */
  caFingerprint: string;
  /** What this run did: made a new CA, re-issued the leaf, or used both as they were. */
  caCreated: boolean;
  leafIssued: boolean;
}

export interface LeafNames {
  dnsNames: readonly string[];
  ips: readonly string[];
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

function derOfPem(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

async function importKey(file: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', derOfPem(readFileSync(file, 'utf8')), ALG, false, ['sign']);
}

async function exportKey(key: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', key));
}

function spkiSha256(cert: x509.X509Certificate): string {
  return createHash('sha256').update(Buffer.from(cert.publicKey.rawData)).digest('base64');
}

async function makeCa(name: string): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + CA_DAYS * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey };
}

async function issueLeaf(
  ca: { cert: x509.X509Certificate; key: CryptoKey },
  names: LeafNames,
): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${names.dnsNames[0] ?? 'localhost'}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + LEAF_DAYS * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { cert, key: keys.privateKey };
}

/** The DNS names and IP addresses a certificate is valid for (its subjectAltName). */
export function certificateNames(cert: x509.X509Certificate): LeafNames {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  return {
    dnsNames: items.filter((n) => n.type === 'dns').map((n) => n.value),
    ips: items.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

function leafStillGood(file: string, ca: x509.X509Certificate, names: LeafNames): boolean {
  if (!existsSync(file)) return false;
  const cert = new x509.X509Certificate(readFileSync(file, 'utf8'));
  if (cert.issuer !== ca.subject) return false;
  if (cert.notAfter.getTime() - Date.now() < RENEW_DAYS * DAY) return false;
  const have = certificateNames(cert);
  return (
    names.dnsNames.every((n) => have.dnsNames.includes(n)) && names.ips.every((ip) => have.ips.includes(ip))
  );
}

/** Loads (or makes) the local CA in `dir` and a server certificate for `names` signed by it. */
export async function ensureLocalTls(dir: string, names: LeafNames, caName: string): Promise<LocalTls> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = {
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key.pem'),
    caDer: join(dir, 'sealpeer-ca.crt'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server.key.pem'),
  };
  let ca: { cert: x509.X509Certificate; key: CryptoKey };
  const caCreated = !(existsSync(f.ca) && existsSync(f.caKey));
  if (caCreated) {
    ca = await makeCa(caName);
    writePrivate(f.caKey, await exportKey(ca.key));
    writeFileSync(f.ca, ca.cert.toString('pem') + '\n');
  } else {
    ca = { cert: new x509.X509Certificate(readFileSync(f.ca, 'utf8')), key: await importKey(f.caKey) };
  }
  if (caCreated || !existsSync(f.caDer)) writeFileSync(f.caDer, Buffer.from(ca.cert.rawData));
  const leafIssued = caCreated || !leafStillGood(f.cert, ca.cert, names);
  if (leafIssued) {
    const leaf = await issueLeaf(ca, names);
    writePrivate(f.key, await exportKey(leaf.key));
    // The chain the server sends: leaf, then the CA.
    writeFileSync(f.cert, `${leaf.cert.toString('pem')}\n${ca.cert.toString('pem')}\n`);
  }
  const leaf = new x509.X509Certificate(readFileSync(f.cert, 'utf8'));
  return {
    dir,
    certFile: f.cert,
    keyFile: f.key,
    caFile: f.ca,
    caDerFile: f.caDer,
    caSpkiSha256: spkiSha256(ca.cert),
    leafSpkiSha256: spkiSha256(leaf),
    caFingerprint: createHash('sha256')
      .update(Buffer.from(ca.cert.rawData))
      .digest('hex')
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:'),
    caCreated,
    leafIssued,
  };
}
