export * from './code.ts';
export * from './confirm.ts';
export * from './context.ts';
export * from './invite.ts';
export { answerKnownHello, type KnownPeer, startKnown } from './known.ts';
export * from './rendezvous.ts';
export * from './request.ts';
