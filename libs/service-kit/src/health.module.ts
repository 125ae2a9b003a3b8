import type { IncomingMessage } from 'node:http';
import { Controller, Get, Global, Header, HttpCode, Module, Req, Res, type DynamicModule } from '@nestjs/common';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { arrivedInternally } from './internal-port';
import { Readiness } from './readiness';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

interface StatusResponse {
  status(code: number): { json(body: unknown): void };
}

@Controller()
class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly registry: Registry,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The status code says it on both ports; which dependency is missing, only on the internal one. */
  @Get('readyz')
  readyz(@Req() request: IncomingMessage, @Res() response: StatusResponse): void {
    const report = this.readiness.report();
    response.status(report.ready ? 200 : 503).json(arrivedInternally(request) ? report : { ready: report.ready });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * /healthz (the process is alive), /readyz (its dependencies are), /metrics (Prometheus text
 * format, with process metrics and whatever the service registers on the shared Registry; on the
 * internal port only, `portGate`).
 */
@Global()
@Module({})
export class HealthModule {
  static forService(service: string): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: registry });
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: Registry, useValue: registry }, Readiness],
      exports: [Registry, Readiness],
    };
  }
}

export function counter(registry: Registry, name: string, help: string, labelNames: string[] = []): Counter {
  return new Counter({ name, help, labelNames, registers: [registry] });
}
