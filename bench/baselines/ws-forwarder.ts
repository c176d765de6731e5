// The ceiling for a Node relay: a bare `ws` forwarder with no auth, no limits, no metrics. It does what a
// typical relay does per message — JSON.parse, look up the recipient, JSON.stringify, one send — and
// nothing else. Clients connect to /ws?id=<name>; {"type":"send","to","data"} reaches `to` as
// {"type":"message","from","data"} (the same shapes and sizes as the sealpeer relay).
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export function startWsForwarder(host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const peers = new Map<string, WebSocket>();
  const wss = new WebSocketServer({ host, port: 0, path: '/ws', maxPayload: 64 * 1024 });
  wss.on('connection', (ws, req) => {
    const id = new URL(req.url ?? '', 'http://x').searchParams.get('id') ?? '';
    peers.set(id, ws);
    ws.on('close', () => peers.delete(id));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      peers.get(m.to)?.send(JSON.stringify({ type: 'message', from: id, data: m.data }));
    });
  });
  return new Promise((resolve) =>
    wss.on('listening', () =>
      resolve({
        url: `ws://${host}:${(wss.address() as AddressInfo).port}/ws`,
        close: () => new Promise<void>((r) => wss.close(() => r())),
      }),
    ),
  );
}
