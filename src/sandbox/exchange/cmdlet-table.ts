import type { SandboxContext } from '../context.ts';
import type { CmdletParameters } from './params.ts';

/** What one cmdlet returned: its output objects, warnings (`@adminapi.warnings`), and whether state changed. */
export interface CmdletOutcome {
  value: unknown[];
  warnings?: string[];
  mutated?: boolean;
}

/** One cmdlet the sandbox's Exchange knows: its parameter names and its effect on the state. */
export interface CmdletDefinition {
  parameters: readonly string[];
  run(ctx: SandboxContext, params: CmdletParameters): CmdletOutcome;
}

/** Cmdlet name → definition. */
export type CmdletTable = Record<string, CmdletDefinition>;
