import { DEFAULT_ALERT_REQUEST_LIMITS } from '@alertlark/contracts';
import { parseEnv } from '@alertlark/service-kit';
import { alertRequestLimits, ingestEnvSchema } from './ingest.env';

describe('ingest environment', () => {
  it('defaults to the documented limits and a 4 s publish timeout', () => {
    const env = parseEnv(ingestEnvSchema, {});
    expect(alertRequestLimits(env)).toEqual(DEFAULT_ALERT_REQUEST_LIMITS);
    expect(env.INGEST_PUBLISH_TIMEOUT_MS).toBe(4_000);
  });

  it('takes each limit from its variable', () => {
    const env = parseEnv(ingestEnvSchema, { INGEST_MAX_ALERTS_PER_REQUEST: '500', INGEST_MAX_LABELS_PER_ALERT: '64', INGEST_MAX_LABEL_BYTES: '1024', INGEST_MAX_ANNOTATION_BYTES: '4096' });
    expect(alertRequestLimits(env)).toEqual({ maxAlerts: 500, maxLabels: 64, maxLabelBytes: 1024, maxAnnotationBytes: 4096 });
  });

  it.each([
    ['INGEST_MAX_LABELS_PER_ALERT', '0'],
    ['INGEST_MAX_LABEL_BYTES', 'lots'],
    ['INGEST_PUBLISH_TIMEOUT_MS', '120000'],
  ])('stops at boot naming %s when it is %s', (name, value) => {
    expect(() => parseEnv(ingestEnvSchema, { [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}: `));
  });
});
