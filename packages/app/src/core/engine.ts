// PROVISIONAL skeleton until @sealpeer/client's SealpeerClient lands.
import type { AlertArea } from '../ui/alert.ts';
import type { AppConfig } from './config.ts';
import type { Engine } from './engine-api.ts';
import { type PeerModel, Signal } from './model.ts';

const notYet = (): Promise<never> => Promise.reject(new Error('not available yet'));

export async function createEngine(_config: AppConfig, _alerts: AlertArea): Promise<Engine> {
  const changed = new Signal();
  return {
    changed,
    device: () => ({ identityKey: '', fingerprint: '' }),
    enterChannel: async () => undefined,
    peers: (): PeerModel[] => [],
    peer: () => undefined,
    createInvite: notYet,
    acceptInvite: notYet,
    showCode: notYet,
    joinWithCode: notYet,
    sendChat: () => undefined,
    markVerified: notYet,
    acceptKeyChange: notYet,
    startCall: notYet,
    endCall: () => undefined,
    close: () => undefined,
  };
}
