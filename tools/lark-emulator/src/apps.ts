/** Registry of the Lark apps (app bots) the emulator knows, keyed by app id. */
import { z } from 'zod';

export const DEFAULT_TOKEN_TTL_SECONDS = 7200;

export const appSchema = z.strictObject({
  /** Lark app ids look like `cli_a5fb0ae6a4c1d00b`; anything else is "invalid param" at the token endpoint. */
  appId: z.string().regex(/^cli_[A-Za-z0-9]{1,64}$/, 'appId must be cli_ followed by 1-64 letters or digits'),
  appSecret: z.string().min(1),
  /** Sent as `header.token` in callbacks and as `token` in URL verification. */
  verificationToken: z.string().min(1),
  /** When set, callbacks are encrypted and signed (see lark-crypto.ts). */
  encryptKey: z.string().min(1).optional(),
  /** Where card callbacks and URL verification are POSTed. */
  callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Lifetime of a tenant_access_token; Lark's is 2 h. Short values let tests watch a token expire. */
  tokenTtlSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
});

export type AppConfig = z.infer<typeof appSchema>;

export class AppRegistry {
  private readonly apps = new Map<string, AppConfig>();

  /** Inserts or replaces an app; returns true when it was new. */
  upsert(app: AppConfig): boolean {
    const isNew = !this.apps.has(app.appId);
    this.apps.set(app.appId, { ...app });
    return isNew;
  }

  get(appId: string): AppConfig | undefined {
    return this.apps.get(appId);
  }

  remove(appId: string): boolean {
    return this.apps.delete(appId);
  }

  list(): AppConfig[] {
    return [...this.apps.values()];
  }
}

export function tokenTtlSeconds(app: AppConfig): number {
  return app.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
}

/** A stable made-up tenant key per app (16 hex digits), so send answers and callbacks agree. */
export function tenantKeyOf(appId: string): string {
  return Buffer.from(appId).toString('hex').padEnd(16, '0').slice(-16);
}

/** Parses `LARK_EMULATOR_APPS` (a JSON array of apps); throws with a readable message. */
export function parseAppsEnv(value: string | undefined): AppConfig[] {
  if (value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('LARK_EMULATOR_APPS is not valid JSON');
  }
  const result = z.array(appSchema).safeParse(parsed);
  if (!result.success) {
    throw new Error(`LARK_EMULATOR_APPS is invalid: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
