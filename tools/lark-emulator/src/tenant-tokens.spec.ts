import { TenantTokens } from './tenant-tokens';

const T0 = 1_700_000_000_000;

function tokens() {
  let n = 0;
  return new TenantTokens(() => `t-${++n}`);
}

describe('TenantTokens', () => {
  it('answers the same token, with the seconds it has left, while a quarter of its life remains', () => {
    const store = tokens();
    expect(store.issue('cli_a', 7200, T0)).toEqual({ token: 't-1', expire: 7200 });
    expect(store.issue('cli_a', 7200, T0 + 1000 * 1000)).toEqual({ token: 't-1', expire: 6200 });
    // 30 min (a quarter of 2 h) left: still the same token.
    expect(store.issue('cli_a', 7200, T0 + 5400 * 1000)).toEqual({ token: 't-1', expire: 1800 });
  });

  it('mints a new token below that, and the old one stays valid until it expires', () => {
    const store = tokens();
    store.issue('cli_a', 7200, T0);
    const later = T0 + 5401 * 1000;
    expect(store.issue('cli_a', 7200, later)).toEqual({ token: 't-2', expire: 7200 });
    expect(store.resolve('t-1', later)?.appId).toBe('cli_a');
    expect(store.resolve('t-1', T0 + 7200 * 1000)).toBeUndefined();
    expect(store.resolve('t-2', T0 + 7200 * 1000)?.appId).toBe('cli_a');
    expect(store.stats('cli_a', T0 + 7200 * 1000)).toEqual({ tokenRequests: 0, tokensIssued: 2, activeTokens: 1 });
  });

  it('expires exactly at the end of the lifetime', () => {
    const store = tokens();
    store.issue('cli_a', 10, T0);
    expect(store.resolve('t-1', T0 + 9_999)).toBeDefined();
    expect(store.resolve('t-1', T0 + 10_000)).toBeUndefined();
    expect(store.resolve('t-unknown', T0)).toBeUndefined();
  });

  it('keeps apps apart and counts requests per app', () => {
    const store = tokens();
    store.countRequest('cli_a');
    store.countRequest('cli_a');
    store.countRequest('cli_b');
    expect(store.issue('cli_a', 60, T0).token).toBe('t-1');
    expect(store.issue('cli_b', 60, T0).token).toBe('t-2');
    expect(store.stats('cli_a', T0)).toEqual({ tokenRequests: 2, tokensIssued: 1, activeTokens: 1 });
    expect(store.stats('cli_c', T0)).toEqual({ tokenRequests: 0, tokensIssued: 0, activeTokens: 0 });
  });

  it('revokes an app\'s tokens, and forgets its counters', () => {
    const store = tokens();
    store.countRequest('cli_a');
    store.issue('cli_a', 60, T0);
    store.issue('cli_b', 60, T0);
    expect(store.revoke('cli_a')).toBe(1);
    expect(store.resolve('t-1', T0)).toBeUndefined();
    expect(store.resolve('t-2', T0)).toBeDefined();
    expect(store.issue('cli_a', 60, T0).token).toBe('t-3');
    store.forget('cli_a');
    expect(store.stats('cli_a', T0)).toEqual({ tokenRequests: 0, tokensIssued: 0, activeTokens: 0 });
  });

  it('mints real-looking tokens by default', () => {
    expect(new TenantTokens().issue('cli_a', 60, T0).token).toMatch(/^t-[0-9a-f]{40}$/);
  });
});
