import { hash } from 'node:crypto';
import type { LabelPair } from '@alertlark/contracts';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byPair(x: LabelPair, y: LabelPair): number {
  return compare(x.name, y.name) || compare(x.value, y.value);
}

function isSorted(labels: readonly LabelPair[]): boolean {
  for (let i = 1; i < labels.length; i++) if (byPair(labels[i - 1]!, labels[i]!) > 0) return false;
  return true;
}

/**
 * One buffer reused by every call (fingerprints are computed synchronously, one at a time): ingest
 * fingerprints every alert it takes, and a Buffer (plus a concat) per name and value was most of the cost.
 */
let scratch = Buffer.allocUnsafe(4096);

/**
 * A stable identity for an alert: 16 lowercase hex characters of the SHA-256 of its labels,
 * sorted by name (then value), each name and value prefixed with its UTF-8 byte length so
 * `a=bc` and `ab=c` differ. The order the labels come in does not matter.
 */
export function alertFingerprint(labels: readonly LabelPair[]): string {
  // toLabelPairs already sorts them: copy and sort only when they come in another order.
  const sorted = isSorted(labels) ? labels : [...labels].sort(byPair);
  let size = 0;
  for (const { name, value } of sorted) size += 8 + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
  if (size > scratch.length) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  let offset = 0;
  for (const { name, value } of sorted) {
    offset = writeLengthPrefixed(scratch, offset, name);
    offset = writeLengthPrefixed(scratch, offset, value);
  }
  return hash('sha256', scratch.subarray(0, offset), 'hex').slice(0, 16);
}

/** The 4-byte big-endian UTF-8 length, then the UTF-8 bytes (a lone surrogate becomes U+FFFD, as Buffer.from does). */
function writeLengthPrefixed(target: Buffer, offset: number, text: string): number {
  const written = target.write(text, offset + 4, 'utf8');
  target.writeUInt32BE(written, offset);
  return offset + 4 + written;
}
