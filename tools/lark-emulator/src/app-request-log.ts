/** In-memory log of every app-bot API request (token, send, edit), accepted or not. */

export type AppApi = 'tenant_access_token' | 'send' | 'patch';

export interface AppRequestRecord {
  id: number;
  api: AppApi;
  receivedAt: string;
  /** The app the request named (token) or authenticated as (send, patch); null when unknown. */
  appId: string | null;
  /** The message created (send) or targeted (patch). */
  messageId?: string;
  accepted: boolean;
  code: number;
  msg: string;
  httpStatus: number;
  /** Parsed JSON body, or null when it did not parse. */
  body: unknown;
  rawSize: number;
}

export type NewAppRequest = Omit<AppRequestRecord, 'id'>;

export interface AppRequestFilter {
  appId?: string;
  api?: AppApi;
  accepted?: boolean;
}

export class AppRequestLog {
  private records: AppRequestRecord[] = [];
  private nextId = 1;

  /** Appends a record; ids keep increasing even across `clear()`. */
  add(record: NewAppRequest): AppRequestRecord {
    const stored: AppRequestRecord = { id: this.nextId++, ...record };
    this.records.push(stored);
    return stored;
  }

  list(filter: AppRequestFilter = {}): AppRequestRecord[] {
    return this.records.filter(
      (r) =>
        (filter.appId === undefined || r.appId === filter.appId) &&
        (filter.api === undefined || r.api === filter.api) &&
        (filter.accepted === undefined || r.accepted === filter.accepted),
    );
  }

  clear(): number {
    const count = this.records.length;
    this.records = [];
    return count;
  }
}
