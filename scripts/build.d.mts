// Types of scripts/build.mjs (plain JS so that it runs before tsx is installed).
export declare const PACKAGES: readonly string[];
export declare function newestMtime(path: string): number;
export declare function isStale(): boolean;
export declare function build(): void;
export declare function ensureBuilt(): void;
