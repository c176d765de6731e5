// autocannon ships no types; the bench uses only this much of it.
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    requests?: Record<string, unknown>[];
  }
  function autocannon(opts: Options, cb: (err: Error | null, result: never) => void): unknown;
  export default autocannon;
}
