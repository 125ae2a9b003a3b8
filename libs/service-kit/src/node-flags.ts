/**
 * The Node flags each service runs with, the same from every launcher: `npm start`
 * (tools/scripts/start.sh), Docker Compose, and the tests' and benchmarks' processes.
 *
 * policy-router: a young generation of 16 MB semi-spaces. V8 sizes it from the machine's memory,
 * up to 64 MB semi-spaces (a 128 MB new space) on a 24 GiB machine, and the router allocates fast
 * while it catches up: its heap grew to ~330 MB around ~110 MB of live state, and its RSS to
 * 526-559 MB with 100,000 firing alerts (target 512). With 16 MB: 459 MB and the same throughput;
 * 4 and 8 MB saved little more and cost throughput (tools/bench/README.md, router-restore).
 */
export const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'policy-router': ['--max-semi-space-size=16'],
};

/** The flags to start `service` with (none for most). */
export function nodeFlagsOf(service: string): readonly string[] {
  return NODE_FLAGS[service] ?? [];
}
