export * from './connection.ts';
export * from './http.ts';
export * from './link.ts';
export * from './turn.ts';
