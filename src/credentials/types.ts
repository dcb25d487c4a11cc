import type { CloudEndpoints } from '../core/cloud.ts';
import type { Clock } from '../core/clock.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { ModelName } from '../core/models.ts';
import type { Secret } from '../core/secret.ts';
import type { SinkRecord } from './journal.ts';

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
 * A place the new credential goes. `deliver` happens before verification and calls
 * `beforeWrite` just before its first irreversible write, so the journal records the sink as
 * `pending` first (docs/credential-lifecycle.md); `rollback` puts the previous value back when
 * verification fails (docs/reliability.md#failed-verification); `commit` drops
 * what rollback would have needed.
 */
export interface Sink {
  /** Stable name in the journal: `file:<path>`, `keyvault:<url>#<name>`, `command:<program>`. */
  id: string;
  /** For reports and errors: never the value. */
  describe(): string;
  deliver(config: DeliveredConfig, beforeWrite: (record: { sha256?: string }) => Promise<void>): Promise<void>;
  rollback(): Promise<void>;
  commit(): Promise<void>;
  /** Does the sink hold the credential `record` describes now? undefined: it cannot tell. */
  holds(record: SinkRecord, keyId: string | undefined): Promise<boolean | undefined>;
  /** Checks made before anything is minted (a file whose format cannot take the secret). */
  prepare?(): Promise<void>;
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
  /** How long to wait for another run's lock on the same app (default 10 s, src/credentials/lock.ts). */
  lockWaitMs?: number;
}

/** One app's result in `rotate` / `rotate --all`. */
export interface RotateOutcome {
  appId: string;
  uniqueName: string;
  status: 'rotated' | 'failed' | 'skipped';
  credential?: { kind: CredentialKind; keyId: string; marker: string; endDateTime: string; thumbprint?: string };
  removedKeyIds: string[];
  /** Superseded credentials kept until their grace period ends (`--grace`). */
  retiringKeyIds?: string[];
  orphansRemoved: string[];
  sinks: string[];
  /** Failed: the error's code, exit code and message (built from ids only). */
  error?: { exitCode: number; code?: string; message: string; suggestion?: string };
}
