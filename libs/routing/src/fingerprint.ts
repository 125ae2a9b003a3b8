import { createHash } from 'node:crypto';
import type { LabelPair } from '@alertlark/contracts';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * A stable identity for an alert: 16 lowercase hex characters of the SHA-256 of its labels,
 * sorted by name (then value), each name and value prefixed with its UTF-8 byte length so
 * `a=bc` and `ab=c` differ. The order the labels come in does not matter.
 */
export function alertFingerprint(labels: readonly LabelPair[]): string {
  const hash = createHash('sha256');
  const sorted = [...labels].sort((x, y) => compare(x.name, y.name) || compare(x.value, y.value));
  for (const { name, value } of sorted) {
    hash.update(lengthPrefixed(name));
    hash.update(lengthPrefixed(value));
  }
  return hash.digest('hex').slice(0, 16);
}
