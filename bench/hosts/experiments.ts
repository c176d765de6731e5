// Bench-only experiments applied to a relay process before it starts (--experiment=NAME), to measure
// an optimisation idea on the real server before anyone changes its code. Never used by the server.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/**
 * 'cork': every ws send corks its TCP socket and all corked sockets are uncorked once per event-loop
 * turn (setImmediate), so the frames sent to one peer in a turn leave in one writev instead of one
 * syscall each. Same bytes on the wire, same order.
 */
function corkSends(): void {
  const proto = WebSocket.prototype as unknown as {
    send: (this: { _socket?: Socket }, ...args: unknown[]) => void;
  };
  const original = proto.send;
  const corked = new Set<Socket>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const s of corked) s.uncork();
    corked.clear();
  };
  proto.send = function (this: { _socket?: Socket }, ...args: unknown[]) {
    const sock = this._socket;
    if (sock && !corked.has(sock)) {
      sock.cork();
      corked.add(sock);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    return original.apply(this, args);
  };
}

export const EXPERIMENTS: Record<string, () => void> = { cork: corkSends };

export function applyExperiment(name: string | undefined): void {
  if (!name) return;
  const fn = EXPERIMENTS[name];
  if (!fn) throw new Error(`unknown experiment ${name}; known: ${Object.keys(EXPERIMENTS).join(', ')}`);
  fn();
}
