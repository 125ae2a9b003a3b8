/**
 * What Lark does to a callback before it reaches an app with an Encrypt Key (LARK.md, "Lark app"):
 * the JSON is AES-256-CBC encrypted with key = SHA-256(encryptKey) and a random 16-byte IV, and
 * `encrypt` = base64(IV + ciphertext), PKCS#7 padded. The request is signed with
 * X-Lark-Signature = hex(SHA-256(timestamp + nonce + encryptKey + rawBody)): a plain hash, not an
 * HMAC, over the exact bytes sent, so an app must verify before it parses.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 16;

function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

/** base64(IV + AES-256-CBC(plaintext)); `iv` is injectable so tests can pin a known vector. */
export function larkEncrypt(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(IV_BYTES)): string {
  if (iv.length !== IV_BYTES) throw new Error(`iv must be ${IV_BYTES} bytes`);
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** Inverse of larkEncrypt: the IV is the first 16 bytes of the decoded value. Throws on a bad key or input. */
export function larkDecrypt(encrypted: string, encryptKey: string): string {
  const data = Buffer.from(encrypted, 'base64');
  if (data.length <= IV_BYTES) throw new Error('encrypted value is too short');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), data.subarray(0, IV_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES)), decipher.final()]).toString('utf8');
}

export function larkCallbackSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + rawBody, 'utf8').digest('hex');
}
