/** In-memory log of every webhook request the emulator received, accepted or not. */
import type { MessageRecord } from './types';

export type NewRecord = Omit<MessageRecord, 'id'>;

export interface LogFilter {
  token?: string;
  accepted?: boolean;
}

export class MessageLog {
  private records: MessageRecord[] = [];
  private nextId = 1;

  /** Appends a record; ids keep increasing even across `clear()`. */
  add(record: NewRecord): MessageRecord {
    const stored: MessageRecord = { id: this.nextId++, ...record };
    this.records.push(stored);
    return stored;
  }

  list(filter: LogFilter = {}): MessageRecord[] {
    return this.records.filter(
      (r) =>
        (filter.token === undefined || r.token === filter.token) &&
        (filter.accepted === undefined || r.accepted === filter.accepted),
    );
  }

  clear(): number {
    const count = this.records.length;
    this.records = [];
    return count;
  }
}
