// Maps every failure to the error shape {"error":{"code","message"}} with a registered code.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERROR_CODES, type ErrorCode } from '../errors.ts';

function classify(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  if (err.validation) {
    const first = err.validation[0];
    const path = first?.instancePath ?? '';
    if (path.endsWith('/handle') || (err.validationContext === 'params' && path === '')) {
      return new ApiError('handle_invalid');
    }
    return new ApiError(
      'invalid_request',
      `${err.validationContext ?? 'request'}${path} ${first?.message ?? ''}`.trim(),
    );
  }
  const byFastifyCode: Record<string, ErrorCode> = {
    // The only route with a URL param is /v1/records/:handle.
    FST_ERR_MAX_PARAM_LENGTH: 'handle_invalid',
    FST_ERR_BAD_URL: 'invalid_request',
    FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
    FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  };
  const mapped = err.code ? byFastifyCode[err.code] : undefined;
  if (mapped) return new ApiError(mapped);
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new ApiError('malformed_json');
  }
  if (err.statusCode === 415) return new ApiError('unsupported_media_type');
  if (err.statusCode === 413) return new ApiError('body_too_large');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new ApiError('invalid_request');
  return new ApiError('internal_error');
}

/** For fastify's `frameworkErrors` option (errors raised before routing, e.g. overlong params). */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const api = classify(err);
  void reply.code(api.status).send({ error: { code: api.code, message: api.message } });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const api = classify(err);
    if (api.code === 'internal_error') req.log.error({ err }, 'request failed');
    if (api.code in ERROR_CODES) {
      void reply.code(api.status).send({ error: { code: api.code, message: api.message } });
    }
  });
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
}
