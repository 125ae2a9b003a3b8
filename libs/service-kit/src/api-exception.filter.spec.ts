import { BadRequestException, NotFoundException } from '@nestjs/common';
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
});
