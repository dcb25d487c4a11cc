/** Types for bin/check-node.js (plain JavaScript, so that an old Node.js can run it). */
export declare const NODE_TOO_OLD_EXIT_CODE: 2;
export declare function readFloor(): [number, number, number];
export declare function checkNode(version: string, execPath: string): string | undefined;
