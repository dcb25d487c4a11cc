import type { CloudName } from '../core/cloud.ts';

/**
 * The fleet file (`entra-mail.yaml`, schemas/entra-mail.schema.json) once read, checked and merged
 * with its defaults: every tenant, how to sign in to it, and the apps it should have. Keys carry
 * the names of the CLI flags, so an app here is a `provision` command line written down.
 */

/** Where a secret is read from; the secret itself never appears in the file. */
export type SecretReference = { env: string } | { file: string };

export interface FleetAuth {
  /** Absent when neither the tenant nor the defaults say: then --auth, else `env`. */
  kind?: string;
  clientId?: string;
  clientSecret?: SecretReference;
  certificate?: SecretReference;
  federatedTokenFile?: string;
}

/** Where a new credential goes: the flags --out, --key-vault, --key-vault-secret and --on-rotate. */
export interface FleetSinks {
  out?: string;
  keyVault?: string;
  keyVaultSecret?: string;
  onRotate?: string;
}

export interface FleetRotation {
  expiringWithin?: string;
  grace?: string;
  keep?: number;
}

export interface FleetApp {
  name?: string;
  /** Given, or derived from the name (or the profile's display name) as `provision` derives it. */
  uniqueName: string;
  profile?: string;
  model?: string;
  mailboxes: string[];
  senderName?: string;
  credential?: string;
  secretLifetime?: string;
  exchange?: string;
  format?: string;
  siteUrl?: string;
  redirectUris?: string[];
  sendAs?: string[];
  sinks: FleetSinks;
  rotation: FleetRotation;
  /** Where the app is in the file: tenants/<i>/apps/<j>. */
  at: Path;
}

export interface FleetTenant {
  /** The tenant id or domain, lower case (the shard key and the name in every report). */
  tenant: string;
  label?: string;
  cloud: CloudName;
  auth: FleetAuth;
  apps: FleetApp[];
  /** Position in the file (0-based); reports keep the file's order. */
  index: number;
  at: Path;
}

export type Path = (string | number)[];

export interface FleetFile {
  /** The file as given (for messages) and its folder (relative paths in it start there). */
  path: string;
  dir: string;
  tenants: FleetTenant[];
  /** "entra-mail.yaml:12:7" for a place in the file (a key's own line when `key` is given). */
  locate(at: Path, key?: string): string;
}

/** `a/0/b` → `a[0].b`, the way a key is named in messages. */
export function describePath(at: Path): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
