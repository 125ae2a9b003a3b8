import { deliveryAuditRecord } from '@alertlark/persistence';
import { parseDeliveriesQuery } from './deliveries.query';
import { deliveryView } from './delivery-view';

const issuesOf = (query: unknown) => {
  const parsed = parseDeliveriesQuery(query);
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.value)}`);
  return parsed.issues;
};

describe('parseDeliveriesQuery', () => {
  it('defaults to the first page of 20, no filters', () => {
    expect(parseDeliveriesQuery({})).toEqual({ ok: true, value: { page: 1, pageSize: 20 } });
    expect(parseDeliveriesQuery(undefined)).toEqual({ ok: true, value: { page: 1, pageSize: 20 } });
  });

  it('takes every filter and the paging from query strings', () => {
    expect(parseDeliveriesQuery({ objectId: ' nobj_1 ', outcome: 'dead-lettered', notificationId: 'n-1', digestId: 'dg-1', page: '3', pageSize: '100' })).toEqual({
      ok: true,
      value: { objectId: 'nobj_1', outcome: 'dead-lettered', notificationId: 'n-1', digestId: 'dg-1', page: 3, pageSize: 100 },
    });
  });

  it.each(['delivered', 'retrying', 'failed', 'dead-lettered'])('accepts outcome %s', (outcome) => {
    expect(parseDeliveriesQuery({ outcome })).toMatchObject({ ok: true, value: { outcome } });
  });

  it('refuses an unknown outcome, naming the ones there are', () => {
    expect(issuesOf({ outcome: 'lost' })).toEqual([{ path: 'outcome', message: 'must be one of delivered, retrying, failed, dead-lettered' }]);
  });

  it.each([
    ['page', '0', 'must be at least 1'],
    ['page', '1.5', 'must be a whole number'],
    ['page', 'two', 'must be a whole number'],
    ['page', '10001', 'must be at most 10000'],
    ['pageSize', '0', 'must be at least 1'],
    ['pageSize', '101', 'must be at most 100'],
    ['pageSize', '', 'must be at least 1'],
  ])('refuses %s=%s: %s', (key, value, message) => {
    expect(issuesOf({ [key]: value })).toEqual([{ path: key, message }]);
  });

  it('refuses empty and repeated ids', () => {
    expect(issuesOf({ objectId: '' })).toEqual([{ path: 'objectId', message: 'must not be empty' }]);
    expect(issuesOf({ objectId: ['a', 'b'] })).toEqual([{ path: 'objectId', message: 'must be one notification object id' }]);
    expect(issuesOf({ notificationId: '   ' })).toEqual([{ path: 'notificationId', message: 'must not be empty' }]);
  });

  it('refuses a parameter it does not know instead of answering unfiltered', () => {
    expect(issuesOf({ outcomes: 'failed', objectId: 'nobj_1' })).toEqual([
      { path: 'outcomes', message: 'unknown parameter; use objectId, outcome, notificationId, digestId, page, pageSize' },
    ]);
  });

  it('reports every problem at once', () => {
    expect(issuesOf({ outcome: 'x', page: '-1', limit: '5' }).map((issue) => issue.path)).toEqual(['limit', 'outcome', 'page']);
  });
});

describe('a delivery event, stored and shown', () => {
  const event = {
    deliveryId: 'd-1',
    notificationId: 'n-1',
    teamId: 'team_1',
    objectId: 'nobj_1',
    attempt: 2,
    outcome: 'retrying' as const,
    httpStatus: 200,
    larkCode: 11232,
    larkMsg: 'frequency limited',
    alertCount: 4,
    at: '2026-11-24T10:00:00.000Z',
    durationMs: 12.5,
  };

  it('keeps _id = deliveryId and leaves out what the event does not carry', () => {
    const record = deliveryAuditRecord(event);
    expect(record).toEqual({ ...event, _id: 'd-1', deliveryId: undefined, at: new Date(event.at) });
    expect(Object.keys(record)).not.toContain('digestId');
    expect(Object.keys(record)).not.toContain('error');
  });

  it('answers every field of a row, null where the attempt had none', () => {
    expect(deliveryView(deliveryAuditRecord({ ...event, digestId: 'dg-1' }))).toEqual({
      deliveryId: 'd-1',
      notificationId: 'n-1',
      digestId: 'dg-1',
      objectId: 'nobj_1',
      attempt: 2,
      outcome: 'retrying',
      httpStatus: 200,
      larkCode: 11232,
      larkMsg: 'frequency limited',
      error: null,
      alertCount: 4,
      at: '2026-11-24T10:00:00.000Z',
      durationMs: 12.5,
    });
  });
});
