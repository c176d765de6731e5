// The few service-worker globals the worker uses, typed here because the project compiles against the
// DOM library (the WebWorker library conflicts with it). Service Workers spec, section 4.
export interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
export interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
export interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
export interface SwClient {
  postMessage(m: unknown): void;
}
export interface SwGlobal {
  readonly registration: { readonly scope: string };
  readonly clients: {
    claim(): Promise<void>;
    matchAll(o?: { includeUncontrolled?: boolean; type?: string }): Promise<SwClient[]>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(t: 'install' | 'activate', l: (e: ExtendableEvent) => void): void;
  addEventListener(t: 'fetch', l: (e: FetchEvent) => void): void;
  addEventListener(t: 'message', l: (e: ExtendableMessageEvent) => void): void;
}
