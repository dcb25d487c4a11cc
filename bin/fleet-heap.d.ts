/** Types for bin/fleet-heap.js (plain JavaScript, run by the bin before anything else loads). */
export declare const FLEET_HEAP_FLAGS: readonly string[];
export declare const ROTATE_ALL_HEAP_FLAGS: readonly string[];
export declare function isFleetRun(args: readonly string[]): boolean;
export declare function isRotateAll(args: readonly string[]): boolean;
export declare function fleetHeapArgv(
  args: readonly string[],
  execArgv: readonly string[],
  env: Record<string, string | undefined>,
  canExec: boolean,
): string[] | undefined;
