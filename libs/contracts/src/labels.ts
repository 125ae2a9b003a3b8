import { z } from 'zod';

/**
 * Labels and annotations travel and rest as name/value pairs, sorted by name: Prometheus 3 allows
 * UTF-8 label names (dots included) and FerretDB/MongoDB reject such names as object keys.
 */
export const labelPairSchema = z.object({ name: z.string().min(1), value: z.string() });
export type LabelPair = z.infer<typeof labelPairSchema>;
export const labelPairsSchema = z.array(labelPairSchema);

/** Turns a plain label object into sorted pairs, the one form the wire and the database use. */
export function toLabelPairs(labels: Record<string, string>): LabelPair[] {
  return Object.entries(labels)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function labelValue(pairs: readonly LabelPair[], name: string): string | undefined {
  return pairs.find((pair) => pair.name === name)?.value;
}
