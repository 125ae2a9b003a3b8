import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Consumers take bytes, not trust: JSON first, then the contract's schema, with a reason on failure. */
export function decodeEvent<S extends z.ZodType>(schema: S, value: Buffer | string | null | undefined): Decoded<z.output<S>> {
  if (value === null || value === undefined) return { ok: false, reason: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: `schema violation: ${reason}` };
  }
  return { ok: true, value: parsed.data };
}
