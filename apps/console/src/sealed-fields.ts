import { HttpException, HttpStatus } from '@nestjs/common';
import type { NotificationObjectRecord } from '@alertlark/persistence';
import { UnsealError, type SealedField, type SealedOwner, type SecretBox } from '@alertlark/secrets';

/** The owner a chatbot's values are sealed for: its team and its id. */
export function ownerOf(record: Pick<NotificationObjectRecord, '_id' | 'teamId'>): SealedOwner {
  return { teamId: record.teamId, objectId: record._id };
}

/**
 * A chatbot's sealed value opened for a request; a value that does not open (copied from another
 * row, or sealed under another key) is the row's problem, not the server's: a 409 that says so and
 * how to fix it, rather than a 500.
 */
export function openOr409(secrets: Pick<SecretBox, 'open'>, sealed: string, owner: SealedOwner, field: SealedField): string {
  try {
    return secrets.open(sealed, owner, field);
  } catch (error) {
    if (!(error instanceof UnsealError)) throw error;
    throw new HttpException(
      { error: 'secret_unreadable', message: `the chatbot's ${field} cannot be opened (${error.message}); save the chatbot's ${field} again`, details: { field } },
      HttpStatus.CONFLICT,
    );
  }
}

/** Where each sealed value of a chatbot row is stored, by field. */
const SEALED_PATHS: ReadonlyArray<{ path: string; field: SealedField; of: (record: NotificationObjectRecord) => string | undefined }> = [
  { path: 'webhookUrlEncrypted', field: 'webhookUrl', of: (record) => record.webhookUrlEncrypted },
  { path: 'secretEncrypted', field: 'secret', of: (record) => record.secretEncrypted },
  { path: 'app.appIdEncrypted', field: 'app.appId', of: (record) => record.app?.appIdEncrypted },
  { path: 'app.appSecretEncrypted', field: 'app.appSecret', of: (record) => record.app?.appSecretEncrypted },
  { path: 'app.encryptKeyEncrypted', field: 'app.encryptKey', of: (record) => record.app?.encryptKeyEncrypted },
  { path: 'app.verificationTokenEncrypted', field: 'app.verificationToken', of: (record) => record.app?.verificationTokenEncrypted },
];

export type ResealPlan =
  | { kind: 'current' }
  | { kind: 'reseal'; read: Record<string, string>; sealed: Record<string, string> }
  | { kind: 'unreadable'; reason: string };

/**
 * What the start-up migration does to one row: its values in the old format (no owner bound)
 * sealed again for the row, by storage path, with the values read so the write can check that
 * nothing changed meanwhile. A row with any value that does not open is left whole: half a
 * migration would only hide which value is bad.
 */
export function resealPlan(record: NotificationObjectRecord, secrets: Pick<SecretBox, 'resealLegacy'>): ResealPlan {
  const read: Record<string, string> = {};
  const sealed: Record<string, string> = {};
  for (const { path, field, of } of SEALED_PATHS) {
    const value = of(record);
    if (value === undefined) continue;
    let resealed: string | undefined;
    try {
      resealed = secrets.resealLegacy(value, ownerOf(record), field);
    } catch (error) {
      if (!(error instanceof UnsealError)) throw error;
      return { kind: 'unreadable', reason: error.message };
    }
    if (resealed === undefined) continue;
    read[path] = value;
    sealed[path] = resealed;
  }
  return Object.keys(sealed).length === 0 ? { kind: 'current' } : { kind: 'reseal', read, sealed };
}
