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
const at = (offset: string) => ({ topic: 'alerts', offset });

describe('PartitionWrites: each partition in order, commits only past what is acknowledged', () => {
  it('starts a partition’s write once the one before it settled; other partitions go on meanwhile', async () => {
    const writes = new PartitionWrites();
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
    const writes = new PartitionWrites();
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
    const writes = new PartitionWrites();
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
    const writes = new PartitionWrites();
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
    const writes = new PartitionWrites();
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
    const writes = new PartitionWrites();
    await writes.enqueue(0, async () => undefined, { topic: 'actions', offset: '4' });
    expect(writes.committable('actions', 0)).toBe('4');
    expect(writes.committable('alerts', 0)).toBeNull();
  });
});
