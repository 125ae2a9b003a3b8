import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Set when the service starts shutting down, before its consumers disconnect: a handler retrying
 * a message through an outage stops, leaves the offset uncommitted, and the message is redelivered
 * to the next owner of the partition.
 */
@Injectable()
export class ShutdownSignal implements BeforeApplicationShutdown {
  private stopping = false;

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  isStopping(): boolean {
    return this.stopping;
  }
}
