// --channel-creation token (docs/operators/admin.md, "Channel creation"): POST /api/channels needs
// `Authorization: Bearer <token>` with the token read from --channel-token-file at start. Compared as
// SHA-256 digests with timingSafeEqual, so neither the length nor a prefix of the token leaks by timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export const MIN_TOKEN_LENGTH = 16;

export class ChannelToken {
  private constructor(private readonly expected: Buffer) {}

  /** Reads the token file (first line, trimmed); throws with what to fix. */
  static fromFile(path: string): ChannelToken {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`--channel-token-file ${path}: ${(e as Error).message}`);
    }
    const token = (text.split('\n')[0] ?? '').trim();
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
      throw new Error(
        `--channel-token-file ${path}: the first line must be a token of ${MIN_TOKEN_LENGTH}+ characters ` +
          'without spaces (e.g. head -c 32 /dev/urandom | base64)',
      );
    return new ChannelToken(digest(token));
  }

  /** True if the Authorization header carries the token. */
  matches(authorization: string | undefined): boolean {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization ?? '');
    // A missing header is still hashed and compared, so both refusals take the same path.
    return timingSafeEqual(digest(m ? m[1]! : ''), this.expected) && m !== null;
  }
}
