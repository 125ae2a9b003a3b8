import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ZodPipe } from '@alertlark/service-kit';

/**
 * A request body checked by its quick check first (`fastPrometheusAlerts`, `fastAlertmanagerWebhook`
 * in libs/contracts, which agree with the schemas), and by the zod schema only when that says no:
 * the schema then accepts what the quick check left to it, or words the 400.
 */
export class RequestBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  private readonly schema: ZodPipe<S>;

  constructor(
    private readonly quick: (value: unknown) => z.output<S> | undefined,
    schema: S,
  ) {
    this.schema = new ZodPipe(schema);
  }

  transform(value: unknown): z.output<S> {
    return this.quick(value) ?? this.schema.transform(value);
  }
}
