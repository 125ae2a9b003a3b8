import 'reflect-metadata';
import { JsonLogger, bootstrapService, parseEnv, runService } from '@alertlark/service-kit';
import { ConsoleModule } from './console.module';
import { consoleEnvSchema } from './console.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('console');
  const env = parseEnv(consoleEnvSchema);
  await bootstrapService({ name: 'console', module: ConsoleModule.create(env, logger), port: env.CONSOLE_PORT, host: env.HOST, logger });
}

runService('console', main);
