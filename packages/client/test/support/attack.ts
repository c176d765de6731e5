// Helpers for the malicious-relay suite: decode/re-encode relayed frames and one-shot tamper rules.
import { dataToFrame, type Frame, frameToData } from '../../src/envelope/frame.ts';
import type { ProxyFrame, TamperingProxy } from './proxy.ts';

/** The sealed frame inside a relayed `message`/`publish`, or undefined. */
export function frameOf(f: ProxyFrame): Frame | undefined {
  if (f.dir !== 'down' || (f.frame.type !== 'message' && f.frame.type !== 'publish')) return undefined;
  try {
    return dataToFrame(f.frame.data);
  } catch {
    return undefined;
  }
}

export type Rule = (
  f: ProxyFrame,
  frame: Frame,
  p: TamperingProxy,
) => Array<Record<string, unknown>> | undefined;

/**
 * Arms `rule` for down frames to `victim` that carry a sealed frame matching `when`; the rule fires once
 * (later frames pass unchanged). Resolves `fired` when it did.
 */
export function armOnce(
  proxy: TamperingProxy,
  victim: string,
  when: (frame: Frame) => boolean,
  rule: Rule,
): { fired: Promise<void> } {
  let done = false;
  let fire!: () => void;
  const fired = new Promise<void>((r) => {
    fire = r;
  });
  proxy.tamper = (f, p) => {
    if (done || f.client !== victim) return undefined;
    const frame = frameOf(f);
    if (!frame || !when(frame)) return undefined;
    done = true;
    fire();
    return rule(f, frame, p);
  };
  return { fired };
}

/** The relay frame with its `data` replaced by `frame` re-encoded. */
export function withFrame(f: ProxyFrame, frame: Frame): Record<string, unknown> {
  return { ...f.frame, data: frameToData(frame) };
}

/** Flips one bit of byte `i` of a copy. */
export function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i]! ^= 0x01;
  return c;
}
