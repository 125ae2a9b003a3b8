import { BadRequestException } from '@nestjs/common';
import { fastPrometheusAlerts, prometheusAlertsSchema } from '@alertlark/contracts';
import { RequestBodyPipe } from './request-body.pipe';

describe('RequestBodyPipe', () => {
  const pipe = new RequestBodyPipe(fastPrometheusAlerts, prometheusAlertsSchema);

  it('takes a body its quick check takes as it is', () => {
    const body = [{ labels: { a: '1' }, annotations: {} }];
    expect(pipe.transform(body)).toBe(body);
  });

  it('asks the schema about what the quick check leaves to it: accepted as the schema gives it back', () => {
    // An unknown key: the schema strips it.
    expect(pipe.transform([{ labels: { a: '1' }, status: 'firing' }])).toEqual([{ labels: { a: '1' }, annotations: {} }]);
  });

  it('answers 400 naming the field when the schema refuses', () => {
    try {
      pipe.transform([{ labels: { a: 1 } }]);
      throw new Error('expected a 400');
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).getResponse()).toMatchObject({ error: 'validation_failed', message: expect.stringContaining('0.labels.a') });
    }
  });
});
