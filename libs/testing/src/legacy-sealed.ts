import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * A value sealed as the console sealed it before values were bound to their row (`v1.<iv>.<tag>.<ciphertext>`,
 * base64url, no associated data): what the start-up migration finds in old rows. `tagBytes` and
 * `ivBytes` make the malformed ones a lenient reader would have taken.
 */
export function legacySealed(key: Buffer, plaintext: string, sizes: { ivBytes?: number; tagBytes?: number } = {}): string {
  const iv = randomBytes(sizes.ivBytes ?? 12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag().subarray(0, sizes.tagBytes ?? 16);
  return ['v1', ...[iv, tag, ciphertext].map((part) => part.toString('base64url'))].join('.');
}
