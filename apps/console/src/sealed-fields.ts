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
