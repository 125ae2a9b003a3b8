export * from './kafka.client';
export * from './topics.admin';
export * from './event.publisher';
export * from './decode';
export * from './config.view';
export * from './config.feed';
export * from './partitions';
export * from './batch.consumer';
