import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requestJson, waitFor } from '@alertlark/testing';

export interface PrometheusOptions {
  port: number;
  /** Where Prometheus sends its alerts, e.g. ingest's `http://127.0.0.1:13001`; it POSTs to `<ingestUrl>/api/v2/alerts`. */
  ingestUrl: string;
  /** Sent as `Authorization: Bearer <ingestToken>`, as ingest expects. */
  ingestToken: string;
  /** YAML text of one rule file (`groups: [...]`). */
  rules: string;
  /** Default `1s`, so rules fire within a second instead of the default minute. */
  evaluationInterval?: string;
  /** TSDB directory, kept by `stop()` (to restart on the same data); default: inside the temp dir, removed by `stop()`. */
  dataDir?: string;
}

export interface RunningPrometheus {
  url: string;
  /** SIGTERM (SIGKILL after 10 s), then removes the temp dir. */
  stop(): Promise<void>;
  /** Everything Prometheus printed so far (its logfmt log). */
  logs(): string;
}

/** Debian's package (tools/scripts/ensure-debian-packages.sh installs it); PROMETHEUS_BIN overrides. */
const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** A real Prometheus (2.42) that evaluates `rules` and sends its alerts to ingest like to an Alertmanager. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertlark-prometheus-'));
  const target = new URL(options.ingestUrl);
  // JSON is YAML, so no YAML writer is needed for the main config.
  const config = {
    global: { evaluation_interval: options.evaluationInterval ?? '1s' },
    rule_files: [path.join(dir, 'rules.yml')],
    alerting: {
      alertmanagers: [
        {
          api_version: 'v2',
          scheme: target.protocol.replace(':', ''),
          // A path in ingestUrl (a proxy in front of ingest) goes before /api/v2/alerts.
          path_prefix: target.pathname.replace(/\/$/, '') || '/',
          authorization: { type: 'Bearer', credentials: options.ingestToken },
          static_configs: [{ targets: [target.host] }],
        },
      ],
    },
  };
  writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  writeFileSync(path.join(dir, 'rules.yml'), options.rules);

  const args = [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--web.listen-address=127.0.0.1:${options.port}`,
    // Otherwise generatorURL names this machine's hostname.
    `--web.external-url=http://127.0.0.1:${options.port}`,
    `--storage.tsdb.path=${options.dataDir ?? path.join(dir, 'data')}`,
    // Default 1m. A firing alert is re-sent at the first evaluation *more* than resend-delay after
    // the last send (with 1s/1s: every 2 s) and carries endsAt = evaluation + 4 × max(resend-delay,
    // evaluation interval) (here 4 s), so tests see re-sends and expiry in seconds.
    '--rules.alert.resend-delay=1s',
  ];
  let output = '';
  let failure: string | undefined; // set when the process is gone (or never started)
  const child = spawn(PROMETHEUS_BIN, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => resolve(void (failure ??= `prometheus exited with ${code ?? signal}`)));
    child.once('error', (error) => resolve(void (failure ??= `prometheus did not start: ${error.message}`)));
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (failure === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  const url = `http://127.0.0.1:${options.port}`;
  // A bad config or a taken port makes Prometheus exit at once: the probes then end the wait
  // (and their polling) at once instead of at the timeout.
  const until = async (what: string, probe: () => Promise<boolean>) => {
    const outcome = await waitFor(what, async () => (failure !== undefined ? 'gone' : (await probe()) || undefined), 30_000, 100);
    if (outcome === 'gone') throw new Error(failure);
  };
  try {
    await until(`${url}/-/ready`, async () => (await fetch(`${url}/-/ready`)).status === 200);
    // The notifier learns its targets through service discovery, which publishes at most every
    // 5 s: alerts evaluated before that are dropped (prometheus_notifications_dropped_total), not
    // queued. Returning once the target is known means every alert from now on is delivered.
    await until('prometheus to discover its alert target', async () => {
      const answer = await requestJson<{ data?: { activeAlertmanagers?: unknown[] } }>('GET', `${url}/api/v1/alertmanagers`);
      return (answer.body.data?.activeAlertmanagers?.length ?? 0) > 0;
    });
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}; prometheus ${args.join(' ')}\n${output}`);
  }
  return { url, stop, logs: () => output };
}
