// Reading a channel's members from Redis into this node's mirror (when it starts following the channel,
// and again after a reconnect): only entries of other nodes whose heartbeat key is alive, added, never
// removed (a member missing from Redis may just not have been written back yet after a Redis restart).
import type { Redis } from 'ioredis';
import { nodeKey, onKey, subKey } from './keys.ts';
import type { ChannelMirror } from './mirror.ts';

/** The nodes of `nodes` whose heartbeat key exists. */
export async function aliveNodes(cmd: Redis, nodes: string[]): Promise<Set<string>> {
  if (nodes.length === 0) return new Set();
  const res = await cmd.mget(nodes.map(nodeKey));
  return new Set(nodes.filter((_, i) => res[i] !== null));
}

export async function loadMirror(
  cmd: Redis,
  self: string,
  channelId: string,
  mirror: ChannelMirror,
  presence: (event: 'join' | 'leave', clientId: string) => void,
): Promise<void> {
  const [on, subs] = await Promise.all([cmd.hgetall(onKey(channelId)), cmd.hgetall(subKey(channelId))]);
  const nodes = new Set<string>();
  const logins: Array<[string, string, number]> = [];
  for (const [client, v] of Object.entries(on)) {
    const [node, at] = v.split('|');
    if (!node || node === self) continue;
    nodes.add(node);
    logins.push([client, node, Number(at) || 0]);
  }
  for (const node of Object.values(subs)) if (node !== self) nodes.add(node);
  const alive = await aliveNodes(cmd, [...nodes]);
  for (const [client, node, at] of logins) if (alive.has(node)) mirror.setOnline(client, node, at);
  for (const [client, node] of Object.entries(subs))
    if (node !== self && alive.has(node))
      for (const ev of mirror.subscribe(client, node)) presence(ev, client);
}
