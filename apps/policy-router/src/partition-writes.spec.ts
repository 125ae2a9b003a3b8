import { PartitionWrites } from './partition-writes';

/** A write that resolves or rejects when told to, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { write: () => (started.push(name), done), open, fail };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
/** Items that are writes themselves, run one after another when their turn comes. */
const sequential = () =>
  new PartitionWrites<() => Promise<void>>(async (_partition, items) => {
    for (const item of items) await item();
  });
const at = (offset: string) => ({ topic: 'alerts', offset });

describe('PartitionWrites: each partition in order, commits only past what is acknowledged', () => {
  it('sends what was queued during a write together in the next one, per partition', async () => {
    const seen: [number, string[]][] = [];
    let open!: () => void;
    const first = new Promise<void>((resolve) => (open = resolve));
    const writes = new PartitionWrites<string>(async (partition, items) => {
      seen.push([partition, [...items]]);
      if (items[0] === 'a1') await first;
    });
    const done = [writes.enqueue(0, 'a1', at('1')), writes.enqueue(0, 'a2', at('2')), writes.enqueue(1, 'b1'), writes.enqueue(0, 'a3', at('3'))];
    await settle();
    expect(seen).toEqual([[0, ['a1']], [1, ['b1']]]);
    expect(writes.pending(0)).toBe(3);
    open();
    await Promise.all(done);
    expect(seen).toEqual([[0, ['a1']], [1, ['b1']], [0, ['a2', 'a3']]]);
    expect(writes.committable('alerts', 0)).toBe('3');
    expect(writes.pending(0)).toBe(0);
  });

  it('starts a partition’s write once the one before it settled; other partitions go on meanwhile', async () => {
    const writes = sequential();
    const started: string[] = [];
    const a1 = gate(started, 'a1');
    const a2 = gate(started, 'a2');
    const b1 = gate(started, 'b1');
    const first = writes.enqueue(0, a1.write, at('10'));
    const second = writes.enqueue(0, a2.write, at('20'));
    void writes.enqueue(1, b1.write, at('5'));
    await settle();
    expect(started).toEqual(['a1', 'b1']);
    a1.open();
    await first;
    await settle();
    expect(started).toEqual(['a1', 'b1', 'a2']);
    a2.open();
    await second;
  });

  it('lets a partition be committed only up to its last acknowledged write', async () => {
    const writes = sequential();
    const started: string[] = [];
    const a1 = gate(started, 'a1');
    const a2 = gate(started, 'a2');
    expect(writes.committable('alerts', 0)).toBeNull();
    const first = writes.enqueue(0, a1.write, at('10'));
    const second = writes.enqueue(0, a2.write, at('20'));
    // A write without an offset (a timer's flush) moves nothing.
    const flush = writes.enqueue(0, async () => undefined);
    await settle();
    expect(writes.committable('alerts', 0)).toBeNull();
    a1.open();
    await first;
    expect(writes.committable('alerts', 0)).toBe('10');
    a2.open();
    await second;
    await flush;
    expect(writes.committable('alerts', 0)).toBe('20');
    expect(writes.committable('alerts', 1)).toBeNull();
  });

  it('a failed write moves no offset, and the next one still starts after it', async () => {
    const writes = sequential();
    const started: string[] = [];
    const a1 = gate(started, 'a1');
    const first = writes.enqueue(0, a1.write, at('10'));
    const second = writes.enqueue(0, async () => void started.push('a2'), at('20'));
    a1.fail(new Error('partition given away'));
    await expect(first).rejects.toThrow('partition given away');
    expect(writes.committable('alerts', 0)).toBeNull();
    await second;
    expect(started).toEqual(['a1', 'a2']);
    expect(writes.committable('alerts', 0)).toBe('20');
  });

  it('after a reassignment, forgets what was acknowledged, and a write still in flight then moves nothing', async () => {
    const writes = sequential();
    const started: string[] = [];
    await writes.enqueue(0, async () => undefined, at('10'));
    const late = gate(started, 'late');
    const inFlight = writes.enqueue(0, late.write, at('20'));
    await settle();
    writes.reassigned();
    expect(writes.committable('alerts', 0)).toBeNull();
    late.open();
    await inFlight;
    expect(writes.committable('alerts', 0)).toBeNull();
  });

  it('settled and allSettled wait for what was queued before them, never rejecting', async () => {
    const writes = sequential();
    const started: string[] = [];
    const a1 = gate(started, 'a1');
    const b1 = gate(started, 'b1');
    void writes.enqueue(0, a1.write, at('10')).catch(() => undefined);
    void writes.enqueue(1, b1.write, at('3'));
    let partitionSettled = false;
    let allSettled = false;
    void writes.settled(0).then(() => (partitionSettled = true));
    void writes.allSettled().then(() => (allSettled = true));
    await settle();
    expect([partitionSettled, allSettled]).toEqual([false, false]);
    a1.fail(new Error('lost'));
    await settle();
    expect([partitionSettled, allSettled]).toEqual([true, false]);
    b1.open();
    await settle();
    expect(allSettled).toBe(true);
  });

  it('tracks each topic of a partition apart: actions acknowledged do not commit alerts', async () => {
    const writes = sequential();
    await writes.enqueue(0, async () => undefined, { topic: 'actions', offset: '4' });
    expect(writes.committable('actions', 0)).toBe('4');
    expect(writes.committable('alerts', 0)).toBeNull();
  });

  it('counts a partition’s unsettled writes, and atMost(n) settles once only n of them are left', async () => {
    const writes = sequential();
    const started: string[] = [];
    const gates = ['a1', 'a2', 'a3'].map((name) => gate(started, name));
    for (const [i, { write }] of gates.entries()) void writes.enqueue(0, write, at(String(i))).catch(() => undefined);
    expect([writes.pending(0), writes.pending(1)]).toEqual([3, 0]);
    const reached: number[] = [];
    void writes.atMost(0, 2).then(() => reached.push(2));
    void writes.atMost(0, 0).then(() => reached.push(0));
    void writes.atMost(0, 3).then(() => reached.push(3));
    await settle();
    expect(reached).toEqual([3]);
    // A failed write settles too: it leaves the count like an acknowledged one.
    gates[0].fail(new Error('lost'));
    await settle();
    expect(reached).toEqual([3, 2]);
    expect(writes.pending(0)).toBe(2);
    gates[1].open();
    await settle();
    gates[2].open();
    await settle();
    expect(reached).toEqual([3, 2, 0]);
    expect(writes.pending(0)).toBe(0);
    expect(writes.committable('alerts', 0)).toBe('2');
  });

  it('takes the waiting items into one write only while their weight stays within the limit, one at least', async () => {
    const seen: string[][] = [];
    let open!: () => void;
    const first = new Promise<void>((resolve) => (open = resolve));
    const writes = new PartitionWrites<string>(
      async (_partition, items) => {
        seen.push([...items]);
        if (items[0] === 'a') await first;
      },
      { maxWeight: 5, weigh: (item) => item.length },
    );
    const done = ['a', 'bb', 'ccc', 'dddddddd', 'e'].map((item) => writes.enqueue(0, item));
    open();
    await Promise.all(done);
    expect(seen).toEqual([['a'], ['bb', 'ccc'], ['dddddddd'], ['e']]);
  });
});
