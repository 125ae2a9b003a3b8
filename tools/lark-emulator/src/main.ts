/** Starts the Lark emulator: LARK_EMULATOR_PORT (3100), LARK_EMULATOR_HOST (127.0.0.1), LARK_EMULATOR_BOTS, LARK_EMULATOR_APPS. */
import { parseAppsEnv } from './apps';
import { parseBotsEnv } from './bots';
import { createLarkEmulator, type LarkEmulator } from './emulator';

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'lark-emulator', ...fields })}\n`);
}

export interface RunningEmulator {
  emulator: LarkEmulator;
  port: number;
  /** Closes the server and removes the signal handlers. */
  stop(): Promise<void>;
}

/** Starts the emulator from the environment; SIGTERM/SIGINT close it and exit the process. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<RunningEmulator> {
  const port = Number(env['LARK_EMULATOR_PORT'] || '3100');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('LARK_EMULATOR_PORT must be a port number');
  const host = env['LARK_EMULATOR_HOST'] || '127.0.0.1';
  const bots = parseBotsEnv(env['LARK_EMULATOR_BOTS']);
  const apps = parseAppsEnv(env['LARK_EMULATOR_APPS']);
  const emulator = createLarkEmulator({ bots, apps });
  const actualPort = await emulator.listen(port, host);
  log({ level: 'info', msg: 'listening', host, port: actualPort, bots: bots.map((b) => b.token), apps: apps.map((a) => a.appId) });

  const stop = (): Promise<void> => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    return emulator.close();
  };
  function onSignal(signal: NodeJS.Signals): void {
    log({ level: 'info', msg: 'shutting down', signal });
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log({ level: 'error', msg: 'shutdown failed', error: String(err) });
        process.exit(1);
      },
    );
  }
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { emulator, port: actualPort, stop };
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log({ level: 'error', msg: 'failed to start', error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  });
}
