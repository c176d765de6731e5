// The --lan certificate authority (scripts/start/local-ca.ts), checked with Node's own X.509 parser:
// the CA is made once and kept (phones trust it once), the server certificate chains to it, covers the
// names asked for and is re-issued when they change; private keys are 0600.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '../../../../scripts/start/local-ca.ts';

const dir = join(mkdtempSync(join(tmpdir(), 'sealpeer-ca-')), 'tls');
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
const CA_NAME = 'CN=sealpeer local CA (test)';

function chain(file: string): X509Certificate[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]),
  );
}

describe('local CA for npm start --lan', () => {
  it('makes a CA and a server certificate for the given names, chained and verifiable', async () => {
    const names = { dnsNames: ['laptop.local', 'localhost'], ips: ['127.0.0.1', '192.168.1.20'] };
    const t = await ensureLocalTls(dir, names, CA_NAME);
    expect([t.caCreated, t.leafIssued]).toEqual([true, true]);
    const ca = new X509Certificate(readFileSync(t.caFile));
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('sealpeer local CA (test)');
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(readFileSync(t.caDerFile)).fingerprint256).toBe(ca.fingerprint256);
    expect(t.caFingerprint).toBe(ca.fingerprint256);

    const [leaf, sent] = chain(t.certFile);
    expect(sent?.fingerprint256).toBe(ca.fingerprint256);
    expect(leaf!.ca).toBe(false);
    expect(leaf!.checkIssued(ca)).toBe(true);
    expect(leaf!.verify(ca.publicKey)).toBe(true);
    for (const n of names.dnsNames) expect(leaf!.checkHost(n)).toBe(n);
    for (const ip of names.ips) expect(leaf!.checkIP(ip)).toBe(ip);
    expect(leaf!.checkHost('other.local')).toBeUndefined();
    expect(leaf!.checkIP('10.0.0.1')).toBeUndefined();
    expect(leaf!.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    const days = (Date.parse(leaf!.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(390);
    expect(days).toBeLessThanOrEqual(398);
    for (const f of [join(dir, 'ca.key.pem'), t.keyFile]) expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('keeps the CA on later starts; re-issues the server certificate only when a name is new', async () => {
    const before = new X509Certificate(readFileSync(join(dir, 'ca.pem'))).fingerprint256;
    const same = await ensureLocalTls(dir, { dnsNames: ['laptop.local'], ips: ['192.168.1.20'] }, CA_NAME);
    expect([same.caCreated, same.leafIssued]).toEqual([false, false]);
    const moved = await ensureLocalTls(dir, { dnsNames: ['laptop.local'], ips: ['10.1.2.3'] }, CA_NAME);
    expect([moved.caCreated, moved.leafIssued]).toEqual([false, true]);
    expect(moved.caFingerprint).toBe(before);
    const [leaf] = chain(moved.certFile);
    expect(leaf!.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(leaf!.checkIssued(new X509Certificate(readFileSync(moved.caFile)))).toBe(true);
  });
});
