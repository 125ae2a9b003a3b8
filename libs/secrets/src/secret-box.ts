import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

const PREFIX = 'v2:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Where a sealed value belongs: the chatbot row that holds it. */
export interface SealedOwner {
  teamId: string;
  objectId: string;
}

/** A chatbot's sealed fields, named once so the sealing and the opening side cannot disagree. */
export type SealedField = 'webhookUrl' | 'secret' | 'app.appId' | 'app.appSecret' | 'app.encryptKey' | 'app.verificationToken';

/** A sealed value that does not open here. The message never holds the value or the key. */
export class UnsealError extends Error {
  override readonly name = 'UnsealError';
}

/**
 * AES-256-GCM for secrets at rest (webhook URLs carry the bot token, signing secrets, app
 * credentials). A value is sealed for its owner and field: the team, the chatbot and the field name
 * are the cipher's associated data, so a blob copied into another team's row, another chatbot or
 * another field does not open. Format `v2:` + base64(iv(12) ‖ tag(16) ‖ ciphertext); the prefix
 * makes a future key or cipher change visible.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error('the secret key must be 32 bytes (AES-256)');
    this.key = key;
  }

  seal(plaintext: string, owner: SealedOwner, field: SealedField): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(owner, field));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /** The plaintext of a value sealed for this owner and field; UnsealError otherwise. */
  open(sealed: string, owner: SealedOwner, field: SealedField): string {
    if (!sealed.startsWith(PREFIX)) throw new UnsealError(`the sealed ${field} is not in the ${PREFIX} format`);
    const body = sealed.slice(PREFIX.length);
    const bytes = Buffer.from(body, 'base64');
    // Node's decoder skips stray characters: only the spelling we write is a sealed value.
    if (!STANDARD_BASE64.test(body) || bytes.toString('base64') !== body) throw new UnsealError(`the sealed ${field} is not base64`);
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new UnsealError(`the sealed ${field} is too short for its IV and tag`);
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    return this.decipher(iv, tag, bytes.subarray(IV_BYTES + TAG_BYTES), associatedData(owner, field), field);
  }

  /**
   * For the console's start-up migration only: a value in the old format (`v1.<iv>.<tag>.<ciphertext>`,
   * base64url, sealed without associated data) sealed again for its owner and field; undefined when
   * it is already in the current format. Nothing else reads the old format.
   */
  resealLegacy(sealed: string, owner: SealedOwner, field: SealedField): string | undefined {
    if (sealed.startsWith(PREFIX)) return undefined;
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new UnsealError(`the sealed ${field} is in no known format`);
    const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new UnsealError(`the sealed ${field} has a ${iv.length}-byte IV and a ${tag.length}-byte tag; ${IV_BYTES} and ${TAG_BYTES} are required`);
    return this.seal(this.decipher(iv, tag, ciphertext, undefined, field), owner, field);
  }

  private decipher(iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: Buffer | undefined, field: SealedField): string {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      if (aad) decipher.setAAD(aad);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new UnsealError(`the sealed ${field} does not open: it was sealed for another team, chatbot or field, or under another ALERTLARK_SECRET_KEY`);
    }
  }
}

/** A JSON array: no choice of ids can make two different owners spell the same bytes. */
function associatedData(owner: SealedOwner, field: SealedField): Buffer {
  return Buffer.from(JSON.stringify(['alertlark/sealed/v2', owner.teamId, owner.objectId, field]), 'utf8');
}

const KEY_FORMS = 'must be 32 bytes: 64 hex characters, or 44 characters of standard base64 ending in = (openssl rand -base64 32)';

/**
 * The key from exactly one of its two spellings; surrounding whitespace (a line end from a file) is
 * dropped, anything else — a shorter or longer key, base64url, missing padding, spaces inside — is
 * refused rather than guessed at, since a guessed key seals values no other service can open.
 */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) {
    const key = Buffer.from(trimmed, 'base64');
    if (key.toString('base64') === trimmed) return key;
  }
  throw new Error(KEY_FORMS);
}

/** The key as an environment variable: console and lark-sender must share it. */
export const secretKeySchema = z.string().refine((key) => {
  try {
    parseSecretKey(key);
    return true;
  } catch {
    return false;
  }
}, KEY_FORMS);
