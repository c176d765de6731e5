// Release integrity: signed notes (C2SP), release manifests, SRI. Browser-safe (no node: imports).
export * from './errors.ts';
export * from './manifest.ts';
export * from './note.ts';
export * from './site-check.ts';
export * from './sri.ts';
export * from './statement.ts';
export * from './verify.ts';
