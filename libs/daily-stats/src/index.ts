export * from './local-day';
export * from './projection-rows';
export * from './daily-counts';
