import 'reflect-metadata';
import { JsonLogger, bootstrapService, internalPort, parseEnv, runService } from '@alertlark/service-kit';
import { ConsoleModule } from './console.module';
import { consoleEnvSchema } from './console.env';
import { WebUiModule } from './web-ui.module';

async function main(): Promise<void> {
  const logger = new JsonLogger('console');
  const env = parseEnv(consoleEnvSchema);
  await bootstrapService({
    name: 'console',
    // The API plus the web UI at `/` (apps/console/ui).
    module: { module: WebUiModule, imports: [ConsoleModule.create(env, logger)] },
    port: env.CONSOLE_PORT,
    host: env.HOST,
    internal: { port: internalPort(env.CONSOLE_PORT, env.CONSOLE_INTERNAL_PORT, 'CONSOLE_INTERNAL_PORT'), host: env.INTERNAL_HOST },
    logger,
    forms: true,
    rawBody: true,
  });
}

runService('console', main);
