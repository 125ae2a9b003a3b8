/** Registry of the custom bots the emulator knows, keyed by webhook token. */
import { z } from 'zod';
import type { BotConfig } from './types';

export const botSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'token must be 1-128 of [A-Za-z0-9_-]'),
  secret: z.string().min(1).optional(),
  /** Lark allows up to 10 keywords per bot. */
  keywords: z.array(z.string().min(1)).max(10).optional(),
  rateLimitStyle: z.enum(['11232', '9499']).optional(),
});

export class BotRegistry {
  private readonly bots = new Map<string, BotConfig>();

  /** Inserts or replaces a bot; returns true when it was new. */
  upsert(bot: BotConfig): boolean {
    const isNew = !this.bots.has(bot.token);
    this.bots.set(bot.token, { ...bot, keywords: bot.keywords ? [...bot.keywords] : undefined });
    return isNew;
  }

  get(token: string): BotConfig | undefined {
    return this.bots.get(token);
  }

  remove(token: string): boolean {
    return this.bots.delete(token);
  }

  list(): BotConfig[] {
    return [...this.bots.values()];
  }
}

/** Parses `LARK_EMULATOR_BOTS` (a JSON array of bots); throws with a readable message. */
export function parseBotsEnv(value: string | undefined): BotConfig[] {
  if (value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('LARK_EMULATOR_BOTS is not valid JSON');
  }
  const result = z.array(botSchema).safeParse(parsed);
  if (!result.success) {
    throw new Error(`LARK_EMULATOR_BOTS is invalid: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
