import type { LabelPair } from '@alertlark/contracts';

export interface InternPoolLimits {
  /** Entries (strings, pairs, lists) a generation holds before it is retired. */
  entries?: number;
  /** Characters (strings and list keys) a generation holds before it is retired. */
  chars?: number;
  /** Longer strings are returned as they are: they are rarely repeated and would crowd the pool. */
  maxLength?: number;
  /** Lists whose JSON is longer are not shared. */
  maxListLength?: number;
}

interface Generation {
  readonly strings: Map<string, string>;
  readonly pairs: Map<string, Map<string, LabelPair>>;
  /** Lists of one item, by the shared item: most alerts are in one group and many have one annotation. */
  readonly singles: Map<unknown, readonly unknown[]>;
  /** Longer lists, by their JSON. */
  readonly lists: Map<string, readonly unknown[]>;
  entries: number;
  chars: number;
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Values of a label name are judged over this many lookups... */
const NAME_WINDOW = 256;
/** ...and not pooled when fewer than one in this many were found there; */
const RARE_HIT_RATIO = 8;
/** one in this many is looked up all the same, so a name whose values start repeating is pooled again. */
const RARE_PROBE = 16;
/** Label names (and fields) followed; more are pooled without question. */
const MAX_NAMES = 4_096;

/** How the values of one label name fared in the pool lately. */
interface NameStats {
  tries: number;
  hits: number;
  rare: boolean;
  passed: number;
}

const generation = (): Generation => ({ strings: new Map(), pairs: new Map(), singles: new Map(), lists: new Map(), entries: 0, chars: 0 });

/**
 * One instance of each equal string, label pair and list, so that 100,000 alerts held in memory
 * do not each carry their own "alertname", their own `{name: "severity", value: "critical"}` and
 * their own copy of the group keys they are in (JSON.parse makes a fresh string of every value
 * longer than 10 characters, and a fresh object of every pair).
 *
 * Bounded: entries live in two generations; when the current one is full it becomes the old one
 * and the old one is dropped. An entry found in the old generation moves to the current one, so
 * what keeps being used stays, and what is unique (an `instance`, a start time) passes through.
 * An entry dropped only stops being shared with later alerts: the alerts holding it keep it.
 *
 * Pairs and lists handed out are frozen, since many alerts share them.
 */
export class InternPool {
  private current = generation();
  private previous = generation();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly maxLength: number;
  private readonly maxListLength: number;
  private readonly names = new Map<string, NameStats>();
  private readonly fields = new Map<string, NameStats>();
  /** Counts the pairs and strings returned without the pool: a list holding one is not pooled either. */
  private unpooled = 0;

  constructor(limits: InternPoolLimits = {}) {
    this.maxEntries = limits.entries ?? 50_000;
    this.maxChars = limits.chars ?? 2_000_000;
    this.maxLength = limits.maxLength ?? 1_024;
    this.maxListLength = limits.maxListLength ?? 8_192;
  }

  /** Entries held, both generations. */
  get size(): number {
    return this.current.entries + this.previous.entries;
  }

  /** `field` says what the value is (`startsAt`): a field whose values hardly repeat is not pooled, as a label name's. */
  string(value: string, field?: string): string {
    const stats = field === undefined ? undefined : this.statsOf(this.fields, field);
    if (value.length > this.maxLength || this.passesBy(stats)) {
      this.unpooled++;
      return value;
    }
    const hit = this.current.strings.get(value);
    if (hit !== undefined) {
      this.tally(stats, true);
      return hit;
    }
    const old = this.previous.strings.get(value);
    this.tally(stats, old !== undefined);
    const kept = old ?? value;
    this.reserve(kept.length).strings.set(kept, kept);
    return kept;
  }

  /**
   * A label name whose values hardly repeat (`instance`, `pod`, a summary naming its host) has its
   * pairs made afresh, not pooled: they would only push out the pairs that are shared.
   */
  pair(name: string, value: string): LabelPair {
    const stats = this.statsOf(this.names, name);
    if (name.length > this.maxLength || value.length > this.maxLength || this.passesBy(stats)) {
      this.unpooled++;
      return Object.freeze({ name: this.string(name), value });
    }
    const hit = this.current.pairs.get(name)?.get(value);
    if (hit) {
      this.tally(stats, true);
      return hit;
    }
    const old = this.previous.pairs.get(name)?.get(value);
    this.tally(stats, old !== undefined);
    const kept = old ?? Object.freeze({ name: this.string(name), value: this.string(value) });
    const target = this.reserve(0);
    let byValue = target.pairs.get(kept.name);
    if (!byValue) target.pairs.set(kept.name, (byValue = new Map()));
    byValue.set(kept.value, kept);
    return kept;
  }

  /** A new array (the alert's own) of shared pairs. */
  pairs(pairs: readonly LabelPair[]): LabelPair[] {
    return pairs.map((pair) => this.pair(pair.name, pair.value));
  }

  /** A shared frozen array of shared pairs, for lists many alerts have alike (annotations, group labels). */
  pairList(pairs: readonly LabelPair[]): readonly LabelPair[] {
    return this.list(pairs, (pair) => this.pair(pair.name, pair.value));
  }

  /** A shared frozen array of shared strings (group keys). */
  stringList(values: readonly string[]): readonly string[] {
    return this.list(values, (value) => this.string(value));
  }

  /** Lists of one item are keyed by their shared item, longer ones by their JSON: equal JSON, equal content. */
  private list<T>(items: readonly T[], share: (item: T) => T): readonly T[] {
    if (items.length === 0) return EMPTY;
    const unpooled = this.unpooled;
    if (items.length === 1) {
      const item = share(items[0]!);
      return this.unpooled === unpooled ? this.single(item) : Object.freeze([item]);
    }
    const key = JSON.stringify(items);
    if (key.length > this.maxListLength) return Object.freeze(items.map(share));
    const hit = this.current.lists.get(key);
    if (hit) return hit as readonly T[];
    const kept = (this.previous.lists.get(key) as readonly T[] | undefined) ?? Object.freeze(items.map(share));
    if (this.unpooled === unpooled) this.reserve(key.length).lists.set(key, kept);
    return kept;
  }

  private single<T>(item: T): readonly T[] {
    const hit = this.current.singles.get(item);
    if (hit) return hit as readonly T[];
    const kept = (this.previous.singles.get(item) as readonly T[] | undefined) ?? Object.freeze([item]);
    this.reserve(0).singles.set(item, kept);
    return kept;
  }

  private statsOf(of: Map<string, NameStats>, name: string): NameStats | undefined {
    let stats = of.get(name);
    if (!stats && of.size < MAX_NAMES) of.set(name, (stats = { tries: 0, hits: 0, rare: false, passed: 0 }));
    return stats;
  }

  /** Whether a value of a rare name or field goes by the pool (all but one in RARE_PROBE). */
  private passesBy(stats: NameStats | undefined): boolean {
    return stats !== undefined && stats.rare && ++stats.passed % RARE_PROBE !== 0;
  }

  private tally(stats: NameStats | undefined, hit: boolean): void {
    if (!stats) return;
    stats.tries++;
    if (hit) stats.hits++;
    if (stats.tries < NAME_WINDOW) return;
    stats.rare = stats.hits * RARE_HIT_RATIO < stats.tries;
    stats.tries = stats.hits = 0;
  }

  /** The generation a new entry goes to, the current one retired first if it is full. */
  private reserve(chars: number): Generation {
    if (this.current.entries >= this.maxEntries || this.current.chars + chars > this.maxChars) {
      this.previous = this.current;
      this.current = generation();
    }
    this.current.entries++;
    this.current.chars += chars;
    return this.current;
  }
}

/** The pool every PartitionState of this process shares: partitions see the same labels. */
export const sharedInternPool = new InternPool();
