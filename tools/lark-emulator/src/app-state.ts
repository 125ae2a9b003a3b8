/** Everything the app-bot half of the emulator keeps in memory, beside the webhook state. */
import { type AppConfig, AppRegistry } from './apps';
import { AppMessageStore } from './app-messages';
import { AppRequestLog } from './app-request-log';
import { RateLimiter } from './rate-limit';
import { TenantTokens } from './tenant-tokens';

/** "单条消息更新频控为 5 QPS": at most 5 updates a second per message. */
export const PATCH_RATE_WINDOWS = [{ windowMs: 1_000, max: 5 }] as const;

export interface SentEvent {
  appId: string;
  messageId: string;
  /** The callback JSON exactly as first sent (before encryption). */
  plaintext: string;
}

export interface AppState {
  apps: AppRegistry;
  tokens: TenantTokens;
  messages: AppMessageStore;
  requests: AppRequestLog;
  /** Keyed by message id. */
  patchLimiter: RateLimiter;
  /** Callbacks sent for clicks, by event id, so a test can have one re-sent as Lark's retries are. */
  events: Map<string, SentEvent>;
  clock: () => number;
}

export function createAppState(clock: () => number, apps: readonly AppConfig[] = []): AppState {
  const state: AppState = {
    apps: new AppRegistry(),
    tokens: new TenantTokens(),
    messages: new AppMessageStore(),
    requests: new AppRequestLog(),
    patchLimiter: new RateLimiter(PATCH_RATE_WINDOWS),
    events: new Map(),
    clock,
  };
  for (const app of apps) state.apps.upsert(app);
  return state;
}
