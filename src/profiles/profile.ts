import type { ModelName, PermissionRequest } from '../core/models.ts';

/**
 * A product profile: one vendor guide turned into data (templates/profiles/<name>.yaml), so
 * `provision --profile NAME` does what that guide asks and prints the fields its form has, in the
 * form's own words. Where the guide is wrong or outdated the profile does the right thing and says
 * so in `deviations` (docs/diagnostics.md).
 */
export interface Profile {
  /** The `--profile` value, e.g. "aevo". */
  name: string;
  /** The product as its vendor names it, e.g. "AEVO Innovate". */
  product: string;
  /** The vendor's guide the profile follows (its file name and title); null for the generic profiles. */
  vendorGuide: { file: string; title: string } | null;
  /** One line for `entra-mail profiles`. */
  summary: string;
  model: ModelName;
  /** Permissions beyond the model's own, e.g. IMAP.AccessAsApp for aevo. */
  permissions: PermissionRequest[];
  signInAudience: SignInAudience;
  /** Redirect URIs by platform; may contain `{{siteUrl}}` (then `requires.siteUrl` is true). */
  redirectUris: { web: string[]; publicClient: string[] };
  requires: { siteUrl: boolean; mailbox: boolean };
  exchange: ProfileExchange;
  /** Default `--secret-lifetime`, e.g. "24mo" or "180d" (Entra allows 24 months at most). */
  secretLifetime: string;
  /** Default `--name` for the app registration. */
  displayName: string;
  /** The product's form: label (the guide's own words) → value template over fact placeholders. */
  fields: ProfileField[];
  outputs: ProfileOutput[];
  /** "Now in the product" steps; may use fact placeholders, never the secret. */
  nextSteps: string[];
  deviations: Deviation[];
}

export const SIGN_IN_AUDIENCES = ['AzureADMyOrg', 'AzureADMultipleOrgs'] as const;
export type SignInAudience = (typeof SIGN_IN_AUDIENCES)[number];

/** Exchange settings the guide asks for on top of what the model itself needs. */
export interface ProfileExchange {
  /** `Set-CASMailbox -SmtpClientAuthenticationDisabled $false` for the mailbox. */
  smtpAuth: boolean;
  /** Send-As rights so the product can send From other users' addresses (enaio webclient). */
  sendAs: boolean;
}

export interface ProfileField {
  /** The label exactly as the product's form (or the guide's field table) shows it. */
  label: string;
  /** A template over fact placeholders, or a literal such as "587". */
  value: string;
}

export const OUTPUT_FORMATS = ['text', 'env', 'json', 'yaml', 'ini', 'js'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ProfileOutput {
  /** The `--format` value, e.g. "server", "env", "nodemailer". */
  name: string;
  /** One line naming where this output goes, e.g. "enaio webclient: osweb-prod.yml". */
  title: string;
  /** Decides how each placeholder value is escaped (src/profiles/escape.ts). */
  format: OutputFormat;
  /** File name under templates/outputs/. */
  template: string;
  /** The template's text, read and checked at load so that rendering stays pure. */
  templateText: string;
  /** The key/label next to which the secret stands in this output; null when it holds no secret. */
  secretField: string | null;
}

/** What the vendor's guide says, what the profile does instead, and why (with the doc section). */
export interface Deviation {
  guideSays: string;
  weDo: string;
  why: string;
}
