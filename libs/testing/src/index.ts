export * from './processes';
export * from './http';
export * from './shown-counts';
export * from './legacy-sealed';
