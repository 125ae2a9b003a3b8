/**
 * Fault injection: FIFO queues of the next faults, one per bot token plus one for all bots.
 * Each webhook request of a known bot takes at most one fault: its bot's queue first, then the
 * all-bots queue. A request that takes a fault is answered by it and skips the remaining checks.
 */
import { z } from 'zod';
import type { Fault } from './types';

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('http5xx'), status: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional() }),
  z.object({ kind: z.literal('timeout'), ms: z.number().int().min(0).max(600_000) }),
  z.object({ kind: z.literal('rate-limit') }),
  z.object({ kind: z.literal('code'), code: z.number().int(), msg: z.string() }),
]);

export const faultRequestSchema = z.object({
  token: z.string().min(1).optional(),
  faults: z.array(faultSchema).min(1).max(1000),
});

export class FaultQueue {
  private readonly perBot = new Map<string, Fault[]>();
  private readonly global: Fault[] = [];

  /** Queues faults for one bot, or for all bots when `token` is undefined. */
  push(token: string | undefined, faults: readonly Fault[]): void {
    if (token === undefined) {
      this.global.push(...faults);
      return;
    }
    const queue = this.perBot.get(token) ?? [];
    queue.push(...faults);
    this.perBot.set(token, queue);
  }

  /** Takes the next fault for `token`, or undefined when none is queued. */
  take(token: string): Fault | undefined {
    const own = this.perBot.get(token);
    if (own && own.length > 0) return own.shift();
    return this.global.shift();
  }

  pending(): { global: Fault[]; perBot: Record<string, Fault[]> } {
    return { global: [...this.global], perBot: Object.fromEntries([...this.perBot].map(([k, v]) => [k, [...v]])) };
  }

  clear(): void {
    this.perBot.clear();
    this.global.length = 0;
  }
}
