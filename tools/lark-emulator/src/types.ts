/** Shared types of the Lark custom-bot webhook emulator. */

export type RateLimitStyle = '11232' | '9499';

export interface BotConfig {
  token: string;
  /** When set, every request must carry a valid `timestamp` + `sign`. */
  secret?: string;
  /** When non-empty, at least one must appear in a visible text value. */
  keywords?: string[];
  /** How throttling is answered: code 11232 (HTTP 200) or 9499 "too many request" (HTTP 400). */
  rateLimitStyle?: RateLimitStyle;
}

export type Fault =
  | { kind: 'http5xx'; status?: 500 | 502 | 503 }
  | { kind: 'timeout'; ms: number }
  | { kind: 'rate-limit' }
  | { kind: 'code'; code: number; msg: string };

/** The JSON a Lark webhook answers with, plus the HTTP status it comes with. */
export interface LarkReply {
  status: number;
  body: Record<string, unknown>;
}

/** What the HTTP layer must do with one webhook request. */
export type WebhookOutcome =
  | { kind: 'reply'; reply: LarkReply }
  | { kind: 'http5xx'; status: number }
  | { kind: 'timeout'; ms: number };

export interface MessageRecord {
  id: number;
  token: string;
  receivedAt: string;
  accepted: boolean;
  /** Lark `code` answered; null when a fault answered without a Lark body (5xx, timeout). */
  code: number | null;
  msg: string;
  /** Parsed JSON body, or null when it was not parsed (too large, not JSON). */
  body: unknown;
  rawSize: number;
  /** HTTP status answered (null for a timeout fault: the socket is destroyed). */
  httpStatus: number | null;
  /** Kind of the injected fault that answered this request, if any. */
  fault?: Fault['kind'];
  contentType?: string;
}
