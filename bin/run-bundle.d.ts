/** Types for bin/run-bundle.js (plain JavaScript, run by the bin to start the bundle). */
export declare function codeCacheDir(env: Record<string, string | undefined>, platform: string, home: string | undefined): string | undefined;
export declare function codeCacheName(
  buildId: string,
  nodeVersion: string,
  arch: string,
  execArgv: readonly string[],
  args: readonly string[],
): string;
export declare function runBundle(bundle: string, args: readonly string[]): void;
export declare function cacheToSave(
  exitCode: number,
  args: readonly string[],
  loaded: 'whole' | 'partial' | 'none',
): 'whole' | 'partial' | undefined;
