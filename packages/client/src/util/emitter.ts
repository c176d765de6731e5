// A tiny typed event emitter that runs in browsers and Node (no node:events).
type Handler = (...args: unknown[]) => void;

export class Emitter<Events extends Record<string, unknown[]>> {
  #handlers = new Map<keyof Events, Set<Handler>>();

  on<K extends keyof Events>(event: K, fn: (...args: Events[K]) => void): () => void {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    set.add(fn as unknown as Handler);
    return () => this.off(event, fn);
  }

  once<K extends keyof Events>(event: K, fn: (...args: Events[K]) => void): () => void {
    const off = this.on(event, (...args) => {
      off();
      fn(...args);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, fn: (...args: Events[K]) => void): void {
    this.#handlers.get(event)?.delete(fn as unknown as Handler);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const fn of [...(this.#handlers.get(event) ?? [])]) fn(...args);
  }

  listenerCount(event: keyof Events): number {
    return this.#handlers.get(event)?.size ?? 0;
  }
}
