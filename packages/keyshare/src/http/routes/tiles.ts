// C2SP tlog-tiles read API: GET /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>].
// Static resources a mirror or CDN can cache: tiles and bundles never change (immutable), the
// checkpoint is mutable and cached for at most a couple of seconds (tlog-tiles §Checkpoints).
import * as keyshare from '@sealpeer/client/keyshare';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';
import type { KeyshareService } from '../../service.ts';
import { errorReplies } from '../schemas.ts';

export function tileRoutes(app: FastifyInstance, service: KeyshareService): void {
  app.get(
    '/checkpoint',
    {
      schema: {
        response: { 200: { content: { 'text/plain': { schema: { type: 'string' } } } }, ...errorReplies },
      },
    },
    async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=2')
        .send(service.checkpoint()),
  );

  app.get<{ Params: { '*': string } }>(
    '/tile/*',
    { schema: { response: errorReplies } },
    async (req, reply) => {
      const ref = keyshare.parseTilePath(req.params['*']);
      if (!ref) {
        throw new ApiError(
          'invalid_request',
          'not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]',
        );
      }
      const body = service.tile(ref);
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  );
}
