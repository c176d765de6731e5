// The default bus of a single node: nothing is elsewhere, so every question has the local answer and no
// method does any work (the relay's single-node path costs what it did before the bus existed).
import { randomBytes } from 'node:crypto';
import type { Bus } from './types.ts';

const none: readonly string[] = [];

export class InProcessBus implements Bus {
  readonly kind = 'local';
  readonly nodeId = randomBytes(8).toString('hex');
  join(): undefined {
    return undefined;
  }
  release(): void {}
  online(): undefined {
    return undefined;
  }
  offline(): void {}
  subscribed(): void {}
  unsubscribed(): void {}
  send(): boolean {
    return false;
  }
  retag(): undefined {
    return undefined;
  }
  untag(): void {}
  sendTagged(): boolean {
    return false;
  }
  hasRemoteSubscribers(): boolean {
    return false;
  }
  publish(): void {}
  remoteSubscribers(): Iterable<string> {
    return none;
  }
  async onlineCounts(ids: readonly string[], local: (channelId: string) => number): Promise<number[]> {
    return ids.map(local);
  }
  count(): undefined {
    return undefined;
  }
  async close(): Promise<void> {}
}
