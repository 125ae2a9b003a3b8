export * from './processes';
export * from './http';
