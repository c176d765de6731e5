// Small validators for JSON that comes from the network: never cast untrusted JSON to a type, check it
// field by field and only then give it a type.

/** Raised when a server answer does not have the documented shape. */
export class BadResponseError extends Error {
  override readonly name = 'BadResponseError';
  readonly code = 'bad_response';
}

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function record(v: unknown, what: string): Json {
  if (!isRecord(v)) throw new BadResponseError(`${what}: expected an object`);
  return v;
}

export function str(o: Json, key: string, what: string, max = 4096): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > max)
    throw new BadResponseError(`${what}.${key}: expected a string`);
  return v;
}

export function optStr(o: Json, key: string, what: string, max = 4096): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, what, max);
}

export function bool(o: Json, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new BadResponseError(`${what}.${key}: expected a boolean`);
  return v;
}

export function int(o: Json, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new BadResponseError(`${what}.${key}: expected a non-negative integer`);
  }
  return v;
}

export function list(o: Json, key: string, what: string, max = 1000): unknown[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length > max) throw new BadResponseError(`${what}.${key}: expected a list`);
  return v;
}

/** The `{"error":{"code","message"}}` body of a failed API call, if it has that shape. */
export function apiError(body: unknown): { code: string; message: string } | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
}
