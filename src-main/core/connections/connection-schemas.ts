import { z } from 'zod';
import { ProviderId } from '../model/transaction.ts';

/**
 * The contract's connection operations. Secrets travel one way only: into `connections:add` and
 * `connections:setSecret`. No output schema below has a field that could hold one, and a config
 * carrying a secret field's name is refused on the way out.
 */

/** Every provider's secret field names; a unit test checks this covers each connector's `secretFields`. */
export const SECRET_FIELD_NAMES = [
  'apiKey',
  'clientSecret',
  'subscriptionKey',
  'key',
  'deviceId',
  'refreshToken',
] as const;

const secretNames = new Set<string>(SECRET_FIELD_NAMES);

/** Non-secret settings as stored: flat scalars only, never a field named like a secret. */
export const SafeConfig = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .refine((config) => Object.keys(config).every((k) => !secretNames.has(k)), {
    error: 'A connection config must not carry a secret field',
  });

/** One form field, derived from the provider's zod config schema (through its JSON Schema). */
export const ConfigFieldDto = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(['text', 'url', 'integer', 'choice']),
  options: z.array(z.string()),
  default: z.union([z.string(), z.number()]).nullable(),
  required: z.boolean(),
  minimum: z.number().nullable(),
  maximum: z.number().nullable(),
  pattern: z.string().nullable(),
  /** One-click values, e.g. the provider's production and sandbox base URLs. */
  presets: z.array(z.object({ label: z.string(), value: z.string() })),
});
export type ConfigFieldDto = z.infer<typeof ConfigFieldDto>;

export const SecretFieldDto = z.object({ key: z.string(), label: z.string() });

export const ProviderDescription = z.object({
  provider: ProviderId,
  displayName: z.string(),
  defaultBaseUrl: z.string(),
  fields: z.array(ConfigFieldDto),
  secretFields: z.array(SecretFieldDto),
});
export type ProviderDescription = z.infer<typeof ProviderDescription>;

/** connected: the newest test or sync got in; auth_failed: it was refused; failing: any other failure. */
export const ConnectionState = z.enum(['connected', 'auth_failed', 'failing', 'untested']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const ConnectionView = z.object({
  id: z.string(),
  provider: ProviderId,
  providerName: z.string(),
  name: z.string(),
  isDemo: z.boolean(),
  config: SafeConfig,
  /** null when the keychain could not be asked (then `keychainError` says why). */
  hasSecret: z.boolean().nullable(),
  state: ConnectionState,
  /** The newest failure's message (already free of secrets), or null. */
  stateDetail: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  lastTestAt: z.string().nullable(),
  /** The last test's verdict (null: never tested); a "Connected" badge is only as fresh as its time. */
  lastTestOk: z.boolean().nullable(),
  transactions: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

/**
 * A blank name passes the contract and is refused by the service beside every other missing field:
 * refused here, it was the only field the form flagged, while "Client ID *" stayed unmarked.
 */
const ConnectionName = z.string().trim().max(100);
export const NAME_MISSING = 'Give the connection a name';
const ConfigInput = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
/** Named text fields; never echoed back, and zod's messages name the field, not the value. */
export const SecretInput = z.record(
  z.string().min(1).max(100),
  z.string().min(1, 'Enter a value or leave the field out').max(8192),
);

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  /** Plain words: "Connected to SentryPOS." or the provider's error. */
  message: z.string(),
  /** Why it failed: auth, config, transient, protocol, keychain, internal. */
  kind: z.string().nullable(),
  testedAt: z.string(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

const ById = z.object({ id: z.string().min(1).max(200) }).strict();

export const connectionOperations = {
  /** What the Connections form is generated from: each provider's settings fields and secret fields. */
  'connections:providers': {
    input: z.object({}).strict(),
    output: z.object({ providers: z.array(ProviderDescription) }),
  },
  /** Every connection with its secret's presence and its state, for the Connections view. */
  'connections:overview': {
    input: z.object({}).strict(),
    output: z.object({ connections: z.array(ConnectionView), keychainError: z.string().nullable() }),
  },
  'connections:add': {
    input: z
      .object({
        provider: ProviderId,
        name: ConnectionName,
        config: ConfigInput,
        secret: SecretInput.optional(),
      })
      .strict(),
    output: ConnectionView,
  },
  /**
   * Replaces the name and/or the whole non-secret config. A config that sends the secret to another
   * origin needs `secret` with it (BAD_INPUT otherwise): the saved one is bound to its origin.
   */
  'connections:update': {
    input: z
      .object({
        id: z.string().min(1),
        name: ConnectionName.optional(),
        config: ConfigInput.optional(),
        secret: SecretInput.optional(),
      })
      .strict(),
    output: ConnectionView,
  },
  /** Write-only: replaces the given secret fields (others are kept) and answers only that one exists. */
  'connections:setSecret': {
    input: z.object({ id: z.string().min(1), secret: SecretInput }).strict(),
    output: z.object({ hasSecret: z.literal(true) }),
  },
  'connections:hasSecret': {
    input: ById,
    output: z.object({ hasSecret: z.boolean() }),
  },
  /** One real authenticated request to the provider. */
  'connections:test': {
    input: ById,
    output: ConnectionTestResult,
  },
  /**
   * Removes the connection, its keychain entry and its cached records. When it has cached records,
   * `deleteCachedData: true` is the user's confirmation; without it the call fails with
   * CONFIRMATION_REQUIRED and changes nothing.
   */
  'connections:remove': {
    input: z.object({ id: z.string().min(1), deleteCachedData: z.boolean().default(false) }).strict(),
    output: z.object({
      removed: z.literal(true),
      secretRemoved: z.boolean(),
      transactionsRemoved: z.number().int(),
    }),
  },
} as const;
