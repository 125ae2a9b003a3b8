import { BadRequestException } from '@nestjs/common';
import { DEFAULT_ALERT_REQUEST_LIMITS } from '@alertlark/contracts';
import { PrometheusBodyPipe, WebhookBodyPipe } from './request-body.pipe';

const refusal = (transform: () => unknown) => {
  try {
    transform();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse() as { error: string; message: string };
  }
  throw new Error('expected a 400');
};

describe('PrometheusBodyPipe', () => {
  const pipe = new PrometheusBodyPipe(DEFAULT_ALERT_REQUEST_LIMITS);

  it('takes a body its quick check takes as it is', () => {
    const body = [{ labels: { a: '1' }, annotations: {} }];
    expect(pipe.transform(body)).toBe(body);
  });

  it('asks the schema about what the quick check leaves to it: accepted as the schema gives it back', () => {
    // An unknown key: the schema strips it.
    expect(pipe.transform([{ labels: { a: '1' }, status: 'firing' }])).toEqual([{ labels: { a: '1' }, annotations: {} }]);
  });

  it('answers 400 naming the field as alerts.N.field, like a webhook', () => {
    expect(refusal(() => pipe.transform([{ labels: { a: '1' } }, { labels: { a: 1 } }]))).toMatchObject({ error: 'validation_failed', message: expect.stringMatching(/^alerts\.1\.labels\.a: /) });
    expect(refusal(() => pipe.transform({ labels: { a: '1' } })).message).toMatch(/^alerts: /);
  });

  it('applies the limits it is given', () => {
    const strict = new PrometheusBodyPipe({ ...DEFAULT_ALERT_REQUEST_LIMITS, maxLabels: 1, maxAlerts: 2 });
    expect(refusal(() => strict.transform([{ labels: { a: '1', b: '2' } }])).message).toBe('alerts.0.labels: 2 labels, over the limit of 1');
    expect(refusal(() => strict.transform([{ labels: { a: '1' } }, { labels: { a: '2' } }, { labels: { a: '3' } }])).message).toBe('alerts: more than 2 alerts in one request');
  });
});

describe('WebhookBodyPipe', () => {
  const pipe = new WebhookBodyPipe({ ...DEFAULT_ALERT_REQUEST_LIMITS, maxLabelBytes: 4 });
  const webhook = (alert: Record<string, unknown>) => ({ version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { a: '1' }, startsAt: '2026-11-24T09:00:00Z', ...alert }] });

  it('answers 400 naming alerts.N.field for a bad label name, a timestamp out of range and one past its limit', () => {
    expect(refusal(() => pipe.transform(webhook({ labels: { '': '1' } }))).message).toBe('alerts.0.labels: a label name must not be empty');
    expect(refusal(() => pipe.transform(webhook({ endsAt: '20000-01-01T00:00:00Z' }))).message).toMatch(/^alerts\.0\.endsAt: /);
    expect(refusal(() => pipe.transform(webhook({ startsAt: '0000-01-01T00:00:00Z' }))).message).toBe('alerts.0.startsAt: must be an RFC 3339 timestamp within the years 0001–9999 in UTC');
    expect(refusal(() => pipe.transform(webhook({ labels: { a: '12345' } }))).message).toBe('alerts.0.labels.a: label value takes 5 bytes, over the limit of 4');
  });
});
