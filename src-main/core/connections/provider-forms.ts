import { z } from 'zod';
import type { Connector } from '../providers/connector.ts';
import type { ConfigFieldDto, ProviderDescription } from './connection-schemas.ts';

/**
 * Labels for config keys the connectors share. Any other key is spelled out from its camelCase, so a
 * new provider's fields get a readable label without touching this file.
 */
const LABELS: Record<string, string> = {
  baseUrl: 'API base URL',
  clientId: 'Client ID',
  merchantSerialNumber: 'Merchant serial number (MSN)',
  ledgerId: 'Ledger ID (empty: every ledger the keys can see)',
  keyFlow: 'Key flow',
  authHeaderName: 'Auth header name',
  authMode: 'Credential mode',
  cid: 'Customer ID (cid, optional)',
  region: 'AWS region',
  cognitoDomain: 'Cognito domain',
  tokenUrl: 'Token URL',
  currency: "Currency of the amounts (empty: the shop's default currency)",
  pageLimit: 'Records per request',
  windowDays: 'Days per request window',
  historyDays: 'Days of history on the first sync',
  branchNumber: 'Branch number (legacy merchant key only)',
};

export function labelFor(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/\b(Url|Id)\b/g, (w) => w.toUpperCase());
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface JsonProperty {
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

/** Production and the provider's own sandbox, where it publishes them (some publish only one). */
function baseUrlPresets(connector: Connector): ConfigFieldDto['presets'] {
  const presets: ConfigFieldDto['presets'] = [];
  if (connector.defaultBaseUrl && connector.defaultBaseUrl !== connector.sandboxBaseUrl) {
    presets.push({ label: 'Production', value: connector.defaultBaseUrl });
  }
  if (connector.sandboxBaseUrl) presets.push({ label: 'Sandbox', value: connector.sandboxBaseUrl });
  return presets;
}

function fieldOf(key: string, p: JsonProperty, required: boolean): ConfigFieldDto {
  const type: ConfigFieldDto['type'] = p.enum
    ? 'choice'
    : p.type === 'integer' || p.type === 'number'
      ? 'integer'
      : p.format === 'uri'
        ? 'url'
        : 'text';
  const fallback = p.default;
  return {
    key,
    label: labelFor(key),
    type,
    options: (p.enum ?? []).map(String),
    default: typeof fallback === 'string' || typeof fallback === 'number' ? fallback : null,
    required,
    minimum: p.minimum ?? null,
    maximum: p.maximum ?? null,
    pattern: p.pattern ?? null,
    presets: [],
  };
}

/**
 * A connector's form, read off its zod config schema: the input-side JSON Schema says which fields
 * exist, their kind, their defaults and which ones must be filled. Cross-field rules (refinements)
 * are not representable there; the core applies them when the form is submitted.
 */
export function describeProvider(connector: Connector): ProviderDescription {
  const schema = z.toJSONSchema(connector.configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  const secret = new Set(connector.secretFields.map((f) => f.key));
  const fields = Object.entries(schema.properties ?? {})
    .filter(([key]) => !secret.has(key))
    .map(([key, p]) => fieldOf(key, p, required.has(key)))
    .map((f) => (f.key === 'baseUrl' ? { ...f, presets: baseUrlPresets(connector) } : f));
  // The base URL leads: it is what a user changes first (sandbox, staging).
  fields.sort((a, b) => Number(b.key === 'baseUrl') - Number(a.key === 'baseUrl'));
  return {
    provider: connector.provider,
    displayName: connector.displayName,
    defaultBaseUrl: connector.defaultBaseUrl,
    fields,
    secretFields: connector.secretFields.map((f) => ({ key: f.key, label: f.label })),
  };
}
