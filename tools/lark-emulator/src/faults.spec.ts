import { FaultQueue, faultRequestSchema } from './faults';

describe('FaultQueue', () => {
  it('hands out faults of a bot in order, one per request, then none', () => {
    const q = new FaultQueue();
    q.push('a', [{ kind: 'http5xx', status: 503 }, { kind: 'rate-limit' }]);
    expect(q.take('a')).toEqual({ kind: 'http5xx', status: 503 });
    expect(q.take('b')).toBeUndefined();
    expect(q.take('a')).toEqual({ kind: 'rate-limit' });
    expect(q.take('a')).toBeUndefined();
  });

  it('serves the all-bots queue to any bot after the bot own queue', () => {
    const q = new FaultQueue();
    q.push(undefined, [{ kind: 'timeout', ms: 10 }]);
    q.push('a', [{ kind: 'code', code: 19022, msg: 'ip not allowed' }]);
    expect(q.take('a')).toEqual({ kind: 'code', code: 19022, msg: 'ip not allowed' });
    expect(q.take('b')).toEqual({ kind: 'timeout', ms: 10 });
    expect(q.take('a')).toBeUndefined();
  });

  it('clear() drops everything', () => {
    const q = new FaultQueue();
    q.push('a', [{ kind: 'rate-limit' }]);
    q.push(undefined, [{ kind: 'rate-limit' }]);
    q.clear();
    expect(q.pending()).toEqual({ global: [], perBot: {} });
  });
});

describe('faultRequestSchema', () => {
  it('accepts every fault kind and rejects unknown kinds or statuses', () => {
    const ok = faultRequestSchema.safeParse({
      faults: [{ kind: 'http5xx' }, { kind: 'timeout', ms: 100 }, { kind: 'rate-limit' }, { kind: 'code', code: 19036, msg: 'big' }],
    });
    expect(ok.success).toBe(true);
    expect(faultRequestSchema.safeParse({ faults: [{ kind: 'boom' }] }).success).toBe(false);
    expect(faultRequestSchema.safeParse({ faults: [{ kind: 'http5xx', status: 504 }] }).success).toBe(false);
    expect(faultRequestSchema.safeParse({ faults: [] }).success).toBe(false);
  });
});
