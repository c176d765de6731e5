// DTLS fingerprint check (docs/protocol.md Part 2, 2.10): the certificate fingerprint the connection
// actually saw must be one the peer put in its sealed SDP (RFC 8122 §5 `a=fingerprint`).

export interface Fingerprint {
  /** Hash function name, lower case (e.g. 'sha-256'). */
  algorithm: string;
  /** Upper-case hex bytes joined by ':'. */
  value: string;
}

const normValue = (v: string): string => v.trim().toUpperCase();

/** Every `a=fingerprint:<alg> <hex>` line of an SDP (session or media level). */
export function sdpFingerprints(sdp: string): Fingerprint[] {
  const out: Fingerprint[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^a=fingerprint:(\S+)\s+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/.exec(line);
    if (m) out.push({ algorithm: m[1]!.toLowerCase(), value: normValue(m[2]!) });
  }
  return out;
}

/** Minimal view of an RTCStatsReport entry we read. */
type StatsEntry = {
  type?: string;
  remoteCertificateId?: string;
  fingerprint?: string;
  fingerprintAlgorithm?: string;
};

/**
 * The remote certificate fingerprints the connection saw, from getStats() (W3C webrtc-stats:
 * RTCTransportStats.remoteCertificateId → RTCCertificateStats). Self-contained on purpose (the
 * Chromium test runs this very function in the browser). Returns [] when the platform exposes none.
 */
export async function observedFingerprints(pc: {
  getStats(): Promise<Map<string, unknown>>;
}): Promise<Array<{ algorithm: string; value: string }>> {
  const report = (await pc.getStats()) as unknown as Map<string, StatsEntry>;
  const out: Array<{ algorithm: string; value: string }> = [];
  report.forEach((s) => {
    if (s?.type !== 'transport' || typeof s.remoteCertificateId !== 'string') return;
    const cert = report.get(s.remoteCertificateId);
    if (cert && typeof cert.fingerprint === 'string' && typeof cert.fingerprintAlgorithm === 'string')
      out.push({
        algorithm: cert.fingerprintAlgorithm.toLowerCase(),
        value: cert.fingerprint.trim().toUpperCase(),
      });
  });
  return out;
}

export type DtlsCheck = 'verified' | 'skipped' | 'mismatch';

/** verified: every observed fingerprint is in the SDP; mismatch: one is not; skipped: none observed. */
export function compareFingerprints(
  fromSdp: readonly Fingerprint[],
  observed: readonly Fingerprint[],
): DtlsCheck {
  if (observed.length === 0) return 'skipped';
  const ok = observed.every((o) =>
    fromSdp.some((f) => f.algorithm === o.algorithm && f.value === normValue(o.value)),
  );
  return ok ? 'verified' : 'mismatch';
}
