export * from './connection.ts';
export * from './http.ts';
