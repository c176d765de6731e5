// Fallback source for the DTLS fingerprint check (docs/protocol.md Part 2, 2.10): where getStats() shows
// no remote certificate, RTCDtlsTransport.getRemoteCertificates() (W3C webrtc-pc §5.5) gives the peer's
// DER certificates; their fingerprint is the hash of the DER bytes (RFC 8122 §5), taken with each hash
// function the sealed SDP names.
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { Fingerprint } from './fingerprint.ts';

const HASHES: Record<string, (b: Uint8Array) => Uint8Array> = {
  'sha-256': sha256,
  'sha-384': sha384,
  'sha-512': sha512,
};

/** The RFC 8122 fingerprint of one DER certificate; undefined for a hash function we do not know. */
export function derFingerprint(algorithm: string, der: Uint8Array): Fingerprint | undefined {
  const hash = HASHES[algorithm.toLowerCase()];
  if (!hash) return undefined;
  const value = Array.from(hash(der), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return { algorithm: algorithm.toLowerCase(), value };
}

type DtlsTransportLike = { getRemoteCertificates?: () => ArrayBuffer[] };
type WithTransport = { transport?: DtlsTransportLike | null };

/** What the fallback reads of a peer connection (all optional: platforms differ). */
export interface DtlsTransportSource {
  sctp?: { transport?: DtlsTransportLike | null } | null;
  getSenders?: () => WithTransport[];
  getReceivers?: () => WithTransport[];
}

/** Remote DER certificates of every DTLS transport of the connection (data channel and media). */
export function remoteCertificates(pc: DtlsTransportSource): Uint8Array[] {
  const transports = new Set<DtlsTransportLike>();
  const add = (t: DtlsTransportLike | null | undefined) => {
    if (t) transports.add(t);
  };
  add(pc.sctp?.transport);
  for (const s of pc.getSenders?.() ?? []) add(s.transport);
  for (const r of pc.getReceivers?.() ?? []) add(r.transport);
  const out: Uint8Array[] = [];
  for (const t of transports) {
    if (typeof t.getRemoteCertificates !== 'function') continue;
    // A chain lists the peer's own (leaf) certificate first; WebRTC certificates are self-signed.
    const leaf = t.getRemoteCertificates()[0];
    if (leaf) out.push(new Uint8Array(leaf));
  }
  return out;
}

/**
 * Fingerprints of the remote certificates, with the hash functions of the sealed SDP's fingerprints
 * (so each can be compared with them); [] when the platform exposes no certificate this way either.
 */
export function transportFingerprints(
  pc: DtlsTransportSource,
  fromSdp: readonly Fingerprint[],
): Fingerprint[] {
  const algorithms = [...new Set(fromSdp.map((f) => f.algorithm))];
  if (algorithms.length === 0) algorithms.push('sha-256');
  return remoteCertificates(pc).map((der) => {
    // One fingerprint per certificate: the first SDP hash function we can compute (RFC 8122 §5).
    for (const alg of algorithms) {
      const fp = derFingerprint(alg, der);
      if (fp) return fp;
    }
    return derFingerprint('sha-256', der)!;
  });
}
