// The app's error codes (one registry per package, checked against docs/errors.md §App by
// test/unit/errors-registry.test.ts). Keyshare and session errors keep the client's codes.
export const APP_ERROR_CODES = {
  bad_key:
    'a pasted, built-in or transferred keyshare key, URL or witness list is malformed; the message names the field',
  link_too_large: 'a device-link transfer (docs/protocol.md 2.15) is larger than its limits',
  link_malformed: 'a device-link part or its assembled transfer is not the documented JSON',
  link_bad_field: 'a field of a device-link transfer has the wrong type or value; the message names it',
  link_out_of_order:
    'a device-link part came out of order, changed its part count, or came after the last one',
  link_unverified_session:
    'a device-link transfer came over a session this device did not open by scanning the sender’s QR code',
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

/** A refusal with one of the codes above. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
  }
}
