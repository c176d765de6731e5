// JSON over fetch against the sealpeer server, with readable errors for the UI.
import { apiError } from './validate.ts';

/** A failed call to the server, with the server's error code when it gave one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Fetches `url` and returns the parsed JSON body; throws ApiError with a readable message otherwise. */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      headers: init.body ? { 'content-type': 'application/json' } : {},
    });
  } catch {
    throw new ApiError('network', `Cannot reach the server at ${new URL(url).origin}. Is it running?`, 0);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = apiError(body);
    throw new ApiError(
      err?.code ?? 'http_error',
      err ? `${err.message} (${err.code})` : `The server answered ${res.status}.`,
      res.status,
    );
  }
  return body;
}
