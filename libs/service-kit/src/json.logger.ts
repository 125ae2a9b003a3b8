import type { LoggerService } from '@nestjs/common';
import { redact } from './redact';

type Level = 'error' | 'warn' | 'info' | 'debug';

/** Structured logs: one JSON object per line, secrets masked. */
export class JsonLogger implements LoggerService {
  constructor(private readonly service: string) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    if (process.env.LOG_LEVEL === 'debug') this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.debug(message, ...rest);
  }

  /** For code outside Nest's logger calls: a message plus fields. */
  event(level: Level, message: string, fields: Record<string, unknown> = {}): void {
    if (level === 'debug' && process.env.LOG_LEVEL !== 'debug') return;
    this.emit({ level, message, ...fields });
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    const stack = rest.find((item) => typeof item === 'string' && item.includes('\n    at '));
    this.emit({ level, context, message: text, ...(stack ? { stack } : {}) });
  }

  private emit(entry: Record<string, unknown>): void {
    const line = JSON.stringify({ time: new Date().toISOString(), service: this.service, ...entry });
    process.stdout.write(`${redact(line)}\n`);
  }
}
