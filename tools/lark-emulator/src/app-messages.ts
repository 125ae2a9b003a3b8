/** Messages sent through the app API, with each card's current content and its edit history. */
import { randomBytes } from 'node:crypto';
import type { Card } from './card-content';

export interface AppMessageEdit {
  at: string;
  content: Card;
  /** `api`: PATCH by the app; `callback`: the card an app answered to a click with. */
  via: 'api' | 'callback';
  eventId?: string;
}

export interface AppMessage {
  messageId: string;
  appId: string;
  chatId: string;
  msgType: 'interactive';
  createdAt: string;
  createdAtMs: number;
  /** The send request's `uuid` (Lark de-duplicates on it for an hour). */
  uuid?: string;
  /** The card as it shows now. */
  content: Card;
  edits: AppMessageEdit[];
}

export interface NewAppMessage {
  appId: string;
  chatId: string;
  content: Card;
  nowMs: number;
  uuid?: string;
}

export interface AppMessageFilter {
  chatId?: string;
  appId?: string;
}

/** Real message ids look like `om_` + 32 hex digits. */
const defaultMint = (): string => `om_${randomBytes(16).toString('hex')}`;

export class AppMessageStore {
  private readonly messages = new Map<string, AppMessage>();

  constructor(private readonly mint: () => string = defaultMint) {}

  add(input: NewAppMessage): AppMessage {
    const message: AppMessage = {
      messageId: this.mint(),
      appId: input.appId,
      chatId: input.chatId,
      msgType: 'interactive',
      createdAt: new Date(input.nowMs).toISOString(),
      createdAtMs: input.nowMs,
      ...(input.uuid !== undefined ? { uuid: input.uuid } : {}),
      content: input.content,
      edits: [],
    };
    this.messages.set(message.messageId, message);
    return message;
  }

  get(messageId: string): AppMessage | undefined {
    return this.messages.get(messageId);
  }

  /** The message this app sent with `uuid` at or after `sinceMs`, if any. */
  findByUuid(appId: string, uuid: string, sinceMs: number): AppMessage | undefined {
    return [...this.messages.values()].find((m) => m.appId === appId && m.uuid === uuid && m.createdAtMs >= sinceMs);
  }

  /** Replaces the current card and appends the edit to the history. */
  replace(messageId: string, edit: AppMessageEdit): AppMessage | undefined {
    const message = this.messages.get(messageId);
    if (!message) return undefined;
    message.content = edit.content;
    message.edits.push(edit);
    return message;
  }

  list(filter: AppMessageFilter = {}): AppMessage[] {
    return [...this.messages.values()].filter(
      (m) => (filter.chatId === undefined || m.chatId === filter.chatId) && (filter.appId === undefined || m.appId === filter.appId),
    );
  }

  clear(): number {
    const count = this.messages.size;
    this.messages.clear();
    return count;
  }
}
