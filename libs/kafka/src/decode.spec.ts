import { alertEventSchema } from '@alertlark/contracts';
import { decodeEvent } from './decode';

describe('decodeEvent', () => {
  const valid = {
    eventId: 'e1',
    teamId: 't1',
    fingerprint: '0123456789abcdef',
    status: 'firing',
    labels: [{ name: 'alertname', value: 'HighCPU' }],
    annotations: [],
    startsAt: '2026-11-24T10:00:00Z',
    source: 'alertmanager',
    receivedAt: '2026-11-24T10:00:01Z',
  };

  it('accepts a valid event', () => {
    expect(decodeEvent(alertEventSchema, Buffer.from(JSON.stringify(valid)))).toEqual({ ok: true, value: valid });
  });

  it('names the field that breaks the schema', () => {
    const result = decodeEvent(alertEventSchema, JSON.stringify({ ...valid, status: 'burning' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^schema violation: status:/);
  });

  it('rejects non-JSON and empty values with a reason', () => {
    expect(decodeEvent(alertEventSchema, Buffer.from('not json'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^value is not JSON/) });
    expect(decodeEvent(alertEventSchema, null)).toEqual({ ok: false, reason: 'empty message value' });
  });
});
