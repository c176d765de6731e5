// Bus messages between nodes (Redis pub/sub payloads). Text header fields separated by '\n', then, for
// the two that carry one, the relay frame's bytes as they are (no re-encoding). Ids are the server's own
// UUIDs and hex node ids, which hold no '\n'. Nodes trust each other (they share the store's password);
// a payload that does not parse is still dropped, never thrown on.
//   on a channel's topic:  o node client at   (login)     f node client   (socket ended)
//                          j node client      (subscribe) l node client   (no longer subscribed)
//                          p node <frame>     (publish frame for the local subscribers)
//   on a node's topic:     s channel to <frame>  (a message frame for one local client)

export type ChannelEvent =
  | { k: 'o'; node: string; client: string; at: number }
  | { k: 'f' | 'j' | 'l'; node: string; client: string }
  | { k: 'p'; node: string; frame: Buffer };

export interface NodeSend {
  channelId: string;
  to: string;
  frame: Buffer;
}

const NL = 0x0a;

/** Splits off `n` header fields; the rest (possibly empty) is the body. */
export function fields(buf: Buffer, n: number): { head: string[]; body: Buffer } | undefined {
  const head: string[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const end = buf.indexOf(NL, at);
    if (end < 0) {
      if (i === n - 1) {
        head.push(buf.toString('latin1', at));
        return { head, body: buf.subarray(buf.length) };
      }
      return undefined;
    }
    head.push(buf.toString('latin1', at, end));
    at = end + 1;
  }
  return { head, body: buf.subarray(at) };
}

export function encodeEvent(k: 'o' | 'f' | 'j' | 'l', node: string, client: string, at?: number): string {
  return k === 'o' ? `o\n${node}\n${client}\n${at}` : `${k}\n${node}\n${client}`;
}

export function encodePublish(node: string, frame: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`p\n${node}\n`), frame]);
}

export function encodeSend(channelId: string, to: string, frame: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`s\n${channelId}\n${to}\n`), frame]);
}

export function decodeEvent(buf: Buffer): ChannelEvent | undefined {
  const k = String.fromCharCode(buf[0] ?? 0);
  if (buf[1] !== NL) return undefined;
  const rest = buf.subarray(2);
  if (k === 'p') {
    const f = fields(rest, 1);
    return f && f.body.length > 0 ? { k, node: f.head[0]!, frame: f.body } : undefined;
  }
  if (k === 'o') {
    const f = fields(rest, 3);
    const at = Number(f?.head[2]);
    if (!f || f.body.length > 0 || !Number.isSafeInteger(at)) return undefined;
    return { k, node: f.head[0]!, client: f.head[1]!, at };
  }
  if (k === 'f' || k === 'j' || k === 'l') {
    const f = fields(rest, 2);
    if (!f || f.body.length > 0 || !f.head[1]) return undefined;
    return { k, node: f.head[0]!, client: f.head[1] };
  }
  return undefined;
}

export function decodeSend(buf: Buffer): NodeSend | undefined {
  if (buf[0] !== 0x73 || buf[1] !== NL) return undefined;
  const f = fields(buf.subarray(2), 2);
  if (!f || f.body.length === 0 || !f.head[0] || !f.head[1]) return undefined;
  // fields() stops after 2 fields only when a third separator exists; the frame follows it.
  return { channelId: f.head[0], to: f.head[1], frame: f.body };
}
