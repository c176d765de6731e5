// GET /v1/checkpoint, /v1/proof/consistency, /v1/leaves, /healthz
import type { FastifyInstance } from 'fastify';
import type { KeyshareService } from '../../service.ts';
import {
  consistencyQuerySchema,
  consistencyReplySchema,
  errorReplies,
  healthReplySchema,
  leavesQuerySchema,
  leavesReplySchema,
  queryInt,
} from '../schemas.ts';

export function logRoutes(app: FastifyInstance, service: KeyshareService, origin: string): void {
  app.get(
    '/v1/checkpoint',
    {
      schema: {
        response: { 200: { content: { 'text/plain': { schema: { type: 'string' } } } }, ...errorReplies },
      },
    },
    async (_req, reply) => {
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(service.checkpoint());
    },
  );

  app.get<{ Querystring: { old: string; new: string } }>(
    '/v1/proof/consistency',
    {
      schema: {
        querystring: consistencyQuerySchema,
        response: { 200: consistencyReplySchema, ...errorReplies },
      },
    },
    async (req) => {
      const [oldSize, newSize] = [queryInt(req.query.old), queryInt(req.query.new)];
      return { old: oldSize, new: newSize, proof: service.consistency(oldSize, newSize) };
    },
  );

  app.get<{ Querystring: { start: string; end: string } }>(
    '/v1/leaves',
    { schema: { querystring: leavesQuerySchema, response: { 200: leavesReplySchema, ...errorReplies } } },
    async (req) => service.leaves(queryInt(req.query.start), queryInt(req.query.end)),
  );

  app.get(
    '/healthz',
    { schema: { response: { 200: healthReplySchema, ...errorReplies } } },
    async (_req, reply) => {
      const failed = service.failed;
      return reply
        .code(failed ? 503 : 200)
        .send(
          failed
            ? { error: { code: 'unavailable', message: failed } }
            : { ok: true, treeSize: service.size, origin },
        );
    },
  );
}
