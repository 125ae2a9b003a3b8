import { createHash, randomBytes } from 'node:crypto';

export type TokenKind = 'api' | 'ingest';

/** Tokens are shown once and stored only as their SHA-256; the prefix tells a leaked one's kind. */
export function generateToken(kind: TokenKind): string {
  return `alk_${kind}_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
