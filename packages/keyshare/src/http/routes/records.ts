// POST /v1/records, GET /v1/records/:handle
import type { FastifyInstance } from 'fastify';
import type { KeyshareService } from '../../service.ts';
import type { Metrics } from '../metrics.ts';
import {
  absenceAnswerSchema,
  errorReplies,
  handleSchema,
  recordAnswerSchema,
  recordSchema,
} from '../schemas.ts';

/** Waits (bounded) until the witnesses are done with a checkpoint of at least this size. */
export type AwaitWitnesses = (size: number) => Promise<void>;

export function recordRoutes(
  app: FastifyInstance,
  service: KeyshareService,
  metrics: Metrics | null,
  awaitWitnesses: AwaitWitnesses | null,
): void {
  app.post(
    '/v1/records',
    { schema: { body: recordSchema, response: { 201: recordAnswerSchema, ...errorReplies } } },
    async (req, reply) => {
      try {
        let answer = service.publish(req.body);
        if (awaitWitnesses) {
          // Answer with a cosigned checkpoint: the publisher's client may require a witness quorum.
          await awaitWitnesses(answer.leafIndex + 1);
          answer = service.refresh(answer);
        }
        metrics?.published.inc({ kind: answer.record.kind });
        req.log.info(
          { handle: answer.record.handle, kind: answer.record.kind, leafIndex: answer.leafIndex },
          'record logged',
        );
        return reply.code(201).send(answer);
      } catch (err) {
        metrics?.refused.inc({ code: (err as { code?: string }).code ?? 'internal_error' });
        throw err;
      }
    },
  );

  app.get<{ Params: { handle: string } }>(
    '/v1/records/:handle',
    {
      schema: {
        params: { type: 'object', required: ['handle'], properties: { handle: handleSchema } },
        response: { 200: recordAnswerSchema, 404: absenceAnswerSchema, ...errorReplies },
      },
    },
    async (req, reply) => {
      // Serialised by the service (hot path); the schemas above document both shapes.
      const answer = service.lookupJson(req.params.handle);
      return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
    },
  );
}
