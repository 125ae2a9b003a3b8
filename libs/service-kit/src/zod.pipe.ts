import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a body or query against its contract schema: 400 naming each offending field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  /** `root` names the body itself in paths, for a body that is a bare list (`alerts.3.labels`, not `3.labels`). */
  constructor(
    private readonly schema: S,
    private readonly root?: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const details = parsed.error.issues.map((issue) => ({ path: [...(this.root ? [this.root] : []), ...issue.path].join('.') || '(body)', message: issue.message }));
    const message = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
    throw new BadRequestException({ error: 'validation_failed', message, details });
  }
}
