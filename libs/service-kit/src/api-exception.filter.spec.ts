import { BadRequestException, ConflictException, ForbiddenException, HttpException, NotFoundException, PayloadTooLargeException, UnauthorizedException } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter';
import type { JsonLogger } from './json.logger';
import { toApiError } from './api-exception.filter';

describe('toApiError', () => {
  it('keeps the shape of our own HTTP exceptions', () => {
    expect(toApiError(new BadRequestException({ error: 'validation_failed', message: 'name: Required', details: [{ path: 'name' }] }))).toEqual({
      status: 400,
      body: { error: 'validation_failed', message: 'name: Required', details: [{ path: 'name' }] },
    });
    expect(toApiError(new NotFoundException('gone'))).toEqual({ status: 404, body: { error: 'not_found', message: 'gone' } });
  });

  it('answers body-parser failures with 400 and 413', () => {
    expect(toApiError({ type: 'entity.parse.failed', status: 400, message: 'Unexpected end of JSON input' })).toEqual({
      status: 400,
      body: { error: 'invalid_json', message: 'request body is not valid JSON: Unexpected end of JSON input' },
    });
    expect(toApiError({ type: 'entity.too.large', status: 413, limit: 1024 })).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('answers an unreachable broker with 503 and hides other failures behind a plain 500', () => {
    const kafkaDown = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
    expect(toApiError(kafkaDown)).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(toApiError(new Error('secret detail'))).toEqual({ status: 500, body: { error: 'internal', message: 'internal error' } });
  });

  it("maps Nest's own exceptions (unknown route, string and list messages) to the one shape", () => {
    // What Nest throws for a route it does not know.
    expect(toApiError(new NotFoundException('Cannot GET /api/v1/nope'))).toEqual({ status: 404, body: { error: 'not_found', message: 'Cannot GET /api/v1/nope' } });
    expect(toApiError(new UnauthorizedException())).toEqual({ status: 401, body: { error: 'unauthorized', message: 'Unauthorized' } });
    expect(toApiError(new ForbiddenException())).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(toApiError(new ConflictException({ error: 'name_taken', message: 'name taken' }))).toEqual({ status: 409, body: { error: 'name_taken', message: 'name taken' } });
    expect(toApiError(new PayloadTooLargeException())).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    expect(toApiError(new HttpException('plain text', 418))).toEqual({ status: 418, body: { error: 'error', message: 'plain text' } });
    expect(toApiError(new BadRequestException(['a is wrong', 'b is wrong']))).toEqual({
      status: 400,
      body: { error: 'bad_request', message: 'a is wrong; b is wrong', details: [{ message: 'a is wrong' }, { message: 'b is wrong' }] },
    });
    // A code that is not ours ("Not Found" from Nest) is replaced by the snake_case one.
    expect(toApiError(new HttpException({ error: 'Bad Gateway', message: 'upstream' }, 502))).toEqual({ status: 502, body: { error: 'bad_gateway', message: 'upstream' } });
  });

  it('answers every failure through the filter with exactly {error, message, details?}', () => {
    const events: unknown[] = [];
    const filter = new ApiExceptionFilter({ event: (...args: unknown[]) => events.push(args) } as unknown as JsonLogger);
    const answers: { status: number; body: Record<string, unknown> }[] = [];
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => ({ status: (status: number) => ({ json: (body: Record<string, unknown>) => answers.push({ status, body }) }) }) }),
    } as never;
    for (const failure of [new NotFoundException('Cannot GET /x'), new BadRequestException({ error: 'validation_failed', message: 'm', details: [] }), new Error('boom'), { type: 'entity.too.large', limit: 10 }]) {
      filter.catch(failure, host);
    }
    expect(answers.map((answer) => answer.status)).toEqual([404, 400, 500, 413]);
    for (const { body } of answers) {
      expect(Object.keys(body).filter((key) => !['error', 'message', 'details'].includes(key))).toEqual([]);
      expect(typeof body.error).toBe('string');
      expect(typeof body.message).toBe('string');
    }
    expect(JSON.stringify(answers)).not.toContain('boom');
    expect(events).toHaveLength(1);
  });
});
