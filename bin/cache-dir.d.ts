/** Types for bin/cache-dir.js (plain JavaScript, shared by the bin and the sources). */
export declare function toolCacheDir(env: Record<string, string | undefined>, platform: string, home: string): string;
