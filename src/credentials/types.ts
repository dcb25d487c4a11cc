import type { CloudEndpoints } from '../core/cloud.ts';
import type { Clock } from '../core/clock.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { ModelName } from '../core/models.ts';
import type { Secret } from '../core/secret.ts';

/** What the app signs in with: a client secret, or a certificate whose private key the tool wrote. */
export type CredentialKind = 'secret' | 'certificate';

/** A managed app as rotate and status see it: its ids plus what its tags say (src/provision/types.ts). */
export interface ManagedApp {
  id: string;
  appId: string;
  uniqueName: string;
  displayName: string;
  model: ModelName | undefined;
  profile: string | undefined;
}

/** The new credential as the sinks receive it; `value` is the secret text or the PEM (key + certificate). */
export interface NewCredential {
  kind: CredentialKind;
  keyId: string;
  marker: string;
  endDateTime: string;
  value: Secret;
  /** Certificates: the SHA-1 thumbprint. */
  thumbprint?: string;
}

/**
 * The config a sink stores, built once per rotation. `text` is what a file holds (the profile's
 * output, or the JSON document); `document` is the JSON handed to `--on-rotate`. Both carry the
 * secret: only sinks see them.
 */
export interface DeliveredConfig {
  text: Secret;
  document: Secret;
  credential: NewCredential;
  /** Managed credentials of the same kind that existed before this rotation. */
  previousKeyIds: string[];
}

/**
 * A place the new credential goes. `deliver` happens before verification; `rollback`
 * puts the previous value back when verification fails (docs/reliability.md#failed-verification: "leave config pointing at
 * the old secret"); `commit` drops what rollback would have needed.
 */
export interface Sink {
  /** For reports and errors: never the value. */
  describe(): string;
  deliver(config: DeliveredConfig): Promise<void>;
  rollback(): Promise<void>;
  commit(): Promise<void>;
}

/** Everything rotation needs from outside; built by the CLI, by tests with a sandbox. */
export interface LifecycleDeps {
  graph: GraphGateway;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  newId: () => string;
  tenantId: string;
  endpoints: CloudEndpoints;
  graphScope: string;
  /** Progress (stderr); never a secret. */
  log: (line: string) => void;
}

/** One app's result in `rotate` / `rotate --all`. */
export interface RotateOutcome {
  appId: string;
  uniqueName: string;
  status: 'rotated' | 'failed' | 'skipped';
  credential?: { kind: CredentialKind; keyId: string; marker: string; endDateTime: string; thumbprint?: string };
  removedKeyIds: string[];
  orphansRemoved: string[];
  sinks: string[];
  /** Failed: the error's code, exit code and message (built from ids only). */
  error?: { exitCode: number; code?: string; message: string; suggestion?: string };
}
