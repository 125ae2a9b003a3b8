/**
 * tenant_access_tokens issued per app, with Lark's documented reuse rule: while the newest token
 * has at least a quarter of its lifetime left (30 min of 2 h) the endpoint answers that same token
 * with the seconds it has left; below that it mints a new one and the old stays valid until it
 * expires. A sender that refreshes "when expire is small" therefore never holds a dead token, and
 * one that never refreshes gets 99991663 once its token's lifetime is over.
 *
 * Requests are counted per app so a test can assert that a sender caches its token.
 */
import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  token: string;
  appId: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

export interface TokenStats {
  /** Token requests that named this app (right or wrong secret). */
  tokenRequests: number;
  /** Distinct tokens minted. */
  tokensIssued: number;
  /** Tokens not yet expired or revoked. */
  activeTokens: number;
}

/** Real tokens look like `t-` + 40 hex digits. */
const defaultMint = (): string => `t-${randomBytes(20).toString('hex')}`;

export class TenantTokens {
  private readonly byToken = new Map<string, IssuedToken>();
  private readonly requests = new Map<string, number>();
  private readonly issued = new Map<string, number>();

  constructor(private readonly mint: () => string = defaultMint) {}

  countRequest(appId: string): void {
    this.requests.set(appId, (this.requests.get(appId) ?? 0) + 1);
  }

  /** The token to answer for `appId` now, and its `expire` (whole seconds left). */
  issue(appId: string, ttlSeconds: number, nowMs: number): { token: string; expire: number } {
    this.prune(nowMs);
    const ttlMs = ttlSeconds * 1000;
    const newest = this.live(appId).sort((a, b) => b.expiresAtMs - a.expiresAtMs)[0];
    if (newest && newest.expiresAtMs - nowMs >= ttlMs / 4) {
      return { token: newest.token, expire: Math.floor((newest.expiresAtMs - nowMs) / 1000) };
    }
    const token = this.mint();
    this.byToken.set(token, { token, appId, issuedAtMs: nowMs, expiresAtMs: nowMs + ttlMs });
    this.issued.set(appId, (this.issued.get(appId) ?? 0) + 1);
    return { token, expire: ttlSeconds };
  }

  /** The live token, or undefined when it is unknown, expired or revoked. */
  resolve(token: string, nowMs: number): IssuedToken | undefined {
    const found = this.byToken.get(token);
    if (!found) return undefined;
    if (found.expiresAtMs <= nowMs) {
      this.byToken.delete(token);
      return undefined;
    }
    return found;
  }

  /** Invalidates every token of `appId` (a rotated secret, a deleted app); returns how many. */
  revoke(appId: string): number {
    const mine = [...this.byToken.values()].filter((t) => t.appId === appId);
    for (const t of mine) this.byToken.delete(t.token);
    return mine.length;
  }

  /** Forgets the app entirely: tokens and counters. */
  forget(appId: string): void {
    this.revoke(appId);
    this.requests.delete(appId);
    this.issued.delete(appId);
  }

  stats(appId: string, nowMs: number): TokenStats {
    this.prune(nowMs);
    return {
      tokenRequests: this.requests.get(appId) ?? 0,
      tokensIssued: this.issued.get(appId) ?? 0,
      activeTokens: this.live(appId).length,
    };
  }

  private live(appId: string): IssuedToken[] {
    return [...this.byToken.values()].filter((t) => t.appId === appId);
  }

  private prune(nowMs: number): void {
    for (const [token, t] of this.byToken) if (t.expiresAtMs <= nowMs) this.byToken.delete(token);
  }
}
