// This node's channel members in Redis, written in bulk: back after a reconnect (a Redis restart lost
// them), and away at shutdown (the others learn now rather than when the keys expire). See redis.ts
// for the keys; the rendezvous tags' counterpart is tags.ts writeBack() / farewell().
import { type Batch, chTopic, onKey, subKey } from './keys.ts';
import type { LocalSide } from './types.ts';
import { encodeEvent } from './wire.ts';

type Members = ReturnType<LocalSide['members']>;

export function writeBackMembers(p: Batch, node: string, ttlMs: number, members: Members): void {
  for (const m of members) {
    p.hset(onKey(m.channelId), m.clientId, `${node}|${m.at}`).pexpire(onKey(m.channelId), ttlMs);
    p.publish(chTopic(m.channelId), encodeEvent('o', node, m.clientId, m.at));
    if (m.subscribed) {
      p.hset(subKey(m.channelId), m.clientId, node).pexpire(subKey(m.channelId), ttlMs);
      p.publish(chTopic(m.channelId), encodeEvent('j', node, m.clientId));
    }
  }
}

export function farewellMembers(p: Batch, node: string, members: Members): void {
  for (const m of members) {
    p.hdelIfMine(onKey(m.channelId), m.clientId, node);
    p.publish(chTopic(m.channelId), encodeEvent('f', node, m.clientId));
    if (m.subscribed) {
      p.hdelIfMine(subKey(m.channelId), m.clientId, node);
      p.publish(chTopic(m.channelId), encodeEvent('l', node, m.clientId));
    }
  }
}
