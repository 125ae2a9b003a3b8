export * from './secret-box';
export * from './tokens';
export * from './action-token';
