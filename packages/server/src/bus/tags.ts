// Rendezvous tags over the Redis bus (docs/protocol.md 1.8, "Several nodes"): the registrations in Redis
// (tag-script.ts), this node's mirrors of the other nodes' connections on the tags its own connections
// are on (tag-mirror.ts), and what keeps them right: the tags' topics, heartbeats, a dead node's purge
// and the write-back after a Redis restart. Used by RedisBus (redis.ts); one node never loads it.
import type { Redis } from 'ioredis';
import { MAX_LISTENERS_PER_TAG } from '../relay/rendezvous.ts';
import type { Batch, Cmd } from './keys.ts';
import { aliveNodes } from './snapshot.ts';
import { TagMirror } from './tag-mirror.ts';
import { rvKey, splitField, TAG_TOPIC_PREFIX, tagField, tagTopic } from './tag-script.ts';
import { decodeTagEvent, encodeTagJoin, type TagMode } from './tag-wire.ts';
import type { LocalSide, RetagResult, TagSet } from './types.ts';

export interface TagRoutingOptions {
  cmd: Cmd;
  sub: Redis;
  nodeId: string;
  ttlMs: number;
  local: () => LocalSide | undefined;
  failed: (op: string) => (err: Error) => void;
}

const mode = (dial: boolean): TagMode => (dial ? 'd' : 'l');

export class TagRouting {
  private readonly mirrors = new Map<string, TagMirror>();
  /** Leaves that did not reach Redis (it was down): done again at the next resync. */
  private readonly unsentLeaves = new Set<string>();

  constructor(private readonly o: TagRoutingOptions) {}

  async retag(clientId: string, prev: TagSet, next: TagSet): Promise<RetagResult> {
    const { nodeId } = this.o;
    const before = new Set(prev.tags);
    const tags = [...next.tags];
    const after = new Set(tags);
    const added = tags.filter((t) => !before.has(t));
    const removed = [...before].filter((t) => !after.has(t));
    const subscribing = this.follow(added);
    const mirrors = tags.map((t) => this.mirrors.get(t) ?? new TagMirror());
    for (const m of mirrors) m.loading++;
    try {
      await subscribing;
      const keys = [...tags, ...removed].map(rvKey);
      const modes = tags.map((t) => mode(next.dial.has(t)));
      const res = await this.o.cmd.retag(
        keys.length,
        ...keys,
        nodeId,
        clientId,
        this.o.ttlMs,
        MAX_LISTENERS_PER_TAG,
        tags.length,
        ...modes,
      );
      const [ok, snap] = Array.isArray(res) ? res : [];
      if (ok === 0) {
        this.release(added);
        return { full: true };
      }
      const remote: Array<{ tag: string; clientId: string }> = [];
      const rows: unknown[] = Array.isArray(snap) ? snap : [];
      for (let j = 0; j + 2 < rows.length; j += 3) {
        const i = Number(rows[j]) - 1;
        const tag = tags[i];
        const who = splitField(String(rows[j + 1]));
        const m = String(rows[j + 2]);
        if (tag === undefined || !who || who.node === nodeId || (m !== 'l' && m !== 'd')) continue;
        const dial = m === 'd';
        if (!(dial && next.dial.has(tag))) remote.push({ tag, clientId: who.client });
        const mirror = mirrors[i]!;
        // A member this node had not heard of yet: the local connections already on the tag hear of it
        // now (its own join event, when it comes, finds it known).
        if (this.mirrors.get(tag) === mirror && mirror.addFromSnapshot(who.node, who.client, m))
          this.o.local()?.tagEvent(tag, 'join', who.client, dial);
      }
      this.release(removed);
      return { full: false, remote };
    } catch (err) {
      // Redis unreachable: admitted on this node's own count (the caller checked it); the registrations
      // are written back at the resync, the leaves done then.
      this.o.failed('rendezvous')(err as Error);
      for (const t of removed) this.unsentLeaves.add(`${t}\n${clientId}`);
      this.release(removed);
      const remote: Array<{ tag: string; clientId: string }> = [];
      for (const t of tags)
        for (const m of this.mirrors.get(t)?.members.values() ?? [])
          if (!(m.dial && next.dial.has(t))) remote.push({ tag: t, clientId: m.client });
      return { full: false, remote };
    } finally {
      for (const m of mirrors) m.loaded();
    }
  }

  untag(clientId: string, tags: Iterable<string>): void {
    const list = [...tags];
    if (list.length === 0) return;
    const { cmd, nodeId, ttlMs } = this.o;
    cmd
      .retag(list.length, ...list.map(rvKey), nodeId, clientId, ttlMs, MAX_LISTENERS_PER_TAG, 0)
      .catch((err: Error) => {
        for (const t of list) this.unsentLeaves.add(`${t}\n${clientId}`);
        this.o.failed('rendezvous')(err);
      });
    this.release(list);
  }

  /** The node and tag through which `to`, a partner on another node, is reached (1.8 visibility). */
  route(
    tags: ReadonlySet<string>,
    dialTags: ReadonlySet<string>,
    to: string,
  ): { node: string; tag: string } | undefined {
    for (const tag of tags) {
      const m = this.mirrors.get(tag)?.find(to);
      if (m && m.node !== this.o.nodeId && !(m.dial && dialTags.has(tag))) return { node: m.node, tag };
    }
    return undefined;
  }

  /** A message on a tag's topic (true if the topic was one). */
  onMessage(topic: string, payload: Buffer): boolean {
    if (!topic.startsWith(TAG_TOPIC_PREFIX)) return false;
    const tag = topic.slice(TAG_TOPIC_PREFIX.length);
    const mirror = this.mirrors.get(tag);
    const ev = decodeTagEvent(payload);
    if (!mirror || !ev || ev.node === this.o.nodeId) return true;
    if (ev.k === 'J') {
      if (mirror.add(ev.node, ev.client, ev.mode))
        this.o.local()?.tagEvent(tag, 'join', ev.client, ev.mode === 'd');
    } else {
      const m = mirror.remove(ev.node, ev.client);
      if (m) this.o.local()?.tagEvent(tag, 'leave', m.client, m.dial);
    }
    return true;
  }

  /** Heartbeat: the tags this node's connections are on live on. */
  refresh(p: Batch): void {
    for (const tag of this.mirrors.keys()) p.pexpire(rvKey(tag), this.o.ttlMs);
  }

  nodes(into: Set<string>): void {
    for (const m of this.mirrors.values()) m.nodes(into);
  }

  /** A node died (or lost the bus): its connections leave the local listeners' view. true if any. */
  dropNode(node: string): boolean {
    let any = false;
    for (const [tag, mirror] of this.mirrors)
      for (const m of mirror.dropNode(node)) {
        any = true;
        this.o.local()?.tagEvent(tag, 'leave', m.client, m.dial);
      }
    return any;
  }

  /** Deletes a dead node's registrations on the tags this node follows (others: the TTL, or RETAG). */
  async purge(node: string): Promise<void> {
    const { cmd } = this.o;
    for (const tag of this.mirrors.keys())
      for (const f of await cmd.hkeys(rvKey(tag)))
        if (splitField(f)?.node === node && (await cmd.hdel(rvKey(tag), f)) === 1)
          await cmd.publish(tagTopic(tag), `L\n${f.replace('|', '\n')}`);
  }

  /** Goodbye (best effort): this node's registrations leave Redis now rather than at their TTL. */
  farewell(p: Batch): void {
    for (const r of this.o.local()?.registrations() ?? []) {
      p.hdel(rvKey(r.tag), tagField(this.o.nodeId, r.clientId));
      p.publish(tagTopic(r.tag), `L\n${this.o.nodeId}\n${r.clientId}`);
    }
  }

  /**
   * After a reconnect: the leaves that failed, then every local registration written back (admitted
   * already: no cap check) and announced. Then resubscribe().
   */
  writeBack(p: Batch): void {
    const { nodeId, ttlMs } = this.o;
    for (const l of this.unsentLeaves) {
      const [tag, client] = l.split('\n') as [string, string];
      p.hdel(rvKey(tag), tagField(nodeId, client));
      p.publish(tagTopic(tag), `L\n${nodeId}\n${client}`);
    }
    this.unsentLeaves.clear();
    for (const r of this.o.local()?.registrations() ?? []) {
      const m = mode(r.dial);
      p.hset(rvKey(r.tag), tagField(nodeId, r.clientId), m).pexpire(rvKey(r.tag), ttlMs);
      p.publish(tagTopic(r.tag), encodeTagJoin(nodeId, r.clientId, m));
    }
  }

  /** The tags' topics subscribed again (a subscription that failed while Redis was away included). */
  async resubscribe(): Promise<void> {
    const topics = [...this.mirrors.keys()].map(tagTopic);
    if (topics.length > 0) await this.o.sub.subscribe(...topics);
  }

  /** Re-reads the followed tags (adds only: a member missing may not have been written back yet). */
  async reload(): Promise<void> {
    const { cmd, nodeId } = this.o;
    for (const [tag, mirror] of this.mirrors) {
      mirror.loading++;
      try {
        const fields = Object.entries(await cmd.hgetall(rvKey(tag)));
        const rows: Array<{ node: string; client: string; m: TagMode }> = [];
        for (const [f, m] of fields) {
          const who = splitField(f);
          if (who && who.node !== nodeId && (m === 'l' || m === 'd')) rows.push({ ...who, m });
        }
        const alive = await aliveNodes(cmd, [...new Set(rows.map((r) => r.node))]);
        for (const r of rows)
          if (
            alive.has(r.node) &&
            this.mirrors.get(tag) === mirror &&
            mirror.addFromSnapshot(r.node, r.client, r.m)
          )
            this.o.local()?.tagEvent(tag, 'join', r.client, r.m === 'd');
      } finally {
        mirror.loaded();
      }
    }
  }

  /** Starts following new tags (a mirror each, their topics subscribed); counts a reference on each. */
  private follow(tags: readonly string[]): Promise<unknown> {
    const fresh: string[] = [];
    for (const t of tags) {
      let m = this.mirrors.get(t);
      if (!m) {
        m = new TagMirror();
        this.mirrors.set(t, m);
        fresh.push(tagTopic(t));
      }
      m.refs++;
    }
    return fresh.length > 0 ? this.o.sub.subscribe(...fresh) : Promise.resolve();
  }

  private release(tags: readonly string[]): void {
    const stale: string[] = [];
    for (const t of tags) {
      const m = this.mirrors.get(t);
      if (!m || --m.refs > 0) continue;
      this.mirrors.delete(t);
      stale.push(tagTopic(t));
    }
    if (stale.length > 0) this.o.sub.unsubscribe(...stale).catch(this.o.failed('unsubscribe'));
  }
}
