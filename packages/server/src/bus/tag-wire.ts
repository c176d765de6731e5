// Bus messages for rendezvous tags (docs/protocol.md 1.8, "Several nodes"). Same framing as wire.ts:
// header fields separated by '\n', then the relay frame's bytes unchanged. Tags are 43 base64url
// characters, ids UUIDs / hex node ids: none holds a '\n'.
//   on a tag's topic sp:t:<tag> (published by the RETAG script, tag-script.ts, or a resync):
//     J node client mode   (a connection of `node` is on the tag; mode l = listens, d = dials)
//     L node client        (it left the tag)
//   on a node's topic:  r tag to mode <frame>   (a message frame for the local partner `to` on `tag`,
//                                                sent by a connection whose mode on the tag is `mode`)
import { fields } from './wire.ts';

export type TagMode = 'l' | 'd';

export type TagEvent =
  | { k: 'J'; node: string; client: string; mode: TagMode }
  | { k: 'L'; node: string; client: string };

export interface TaggedSend {
  tag: string;
  to: string;
  /** The sender dials the tag (two diallers never reach each other). */
  fromDial: boolean;
  frame: Buffer;
}

const NL = 0x0a;

export function encodeTagJoin(node: string, client: string, mode: TagMode): string {
  return `J\n${node}\n${client}\n${mode}`;
}

export function decodeTagEvent(buf: Buffer): TagEvent | undefined {
  if (buf[1] !== NL) return undefined;
  const k = buf[0];
  if (k === 0x4a) {
    const f = fields(buf.subarray(2), 3);
    const mode = f?.head[2];
    if (!f || f.body.length > 0 || !f.head[0] || !f.head[1] || (mode !== 'l' && mode !== 'd'))
      return undefined;
    return { k: 'J', node: f.head[0], client: f.head[1], mode };
  }
  if (k === 0x4c) {
    const f = fields(buf.subarray(2), 2);
    if (!f || f.body.length > 0 || !f.head[0] || !f.head[1]) return undefined;
    return { k: 'L', node: f.head[0], client: f.head[1] };
  }
  return undefined;
}

export function encodeTagged(tag: string, to: string, fromDial: boolean, frame: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`r\n${tag}\n${to}\n${fromDial ? 'd' : 'l'}\n`), frame]);
}

export function decodeTagged(buf: Buffer): TaggedSend | undefined {
  if (buf[0] !== 0x72 || buf[1] !== NL) return undefined;
  const f = fields(buf.subarray(2), 3);
  const mode = f?.head[2];
  if (!f || f.body.length === 0 || !f.head[0] || !f.head[1] || (mode !== 'l' && mode !== 'd'))
    return undefined;
  return { tag: f.head[0], to: f.head[1], fromDial: mode === 'd', frame: f.body };
}
