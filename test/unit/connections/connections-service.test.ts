import { describe, expect, it } from 'vitest';
import { parseSecretText } from '../../../src-main/cli/commands/secret-input.ts';
import { SECRET_FIELD_NAMES, SafeConfig } from '../../../src-main/core/connections/connection-schemas.ts';
import { describeProvider } from '../../../src-main/core/connections/provider-forms.ts';
import { createCore } from '../../../src-main/core/core.ts';
import { InMemoryCredentialStore } from '../../../src-main/core/credentials/in-memory-credential-store.ts';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
const KEY = 'sntr_unit0secret0value0000000000000';

async function core() {
  const credentials = new InMemoryCredentialStore();
  return { credentials, core: await createCore({ home: tempHome(), actor: 'test', credentials }) };
}

describe('connection schemas and forms', () => {
  it('knows every secret field name of every connector, so no output schema can carry one', () => {
    for (const c of connectors) for (const f of c.secretFields) expect(SECRET_FIELD_NAMES).toContain(f.key);
    expect(SafeConfig.safeParse({ baseUrl: 'https://x', apiKey: 'k' }).success).toBe(false);
  });

  it('derives each form from the zod config schema', () => {
    const vipps = describeProvider(CONNECTORS.vipps!);
    expect(vipps.fields[0]).toMatchObject({ key: 'baseUrl', type: 'url', default: 'https://api.vipps.no' });
    expect(vipps.fields.find((f) => f.key === 'keyFlow')).toMatchObject({
      type: 'choice',
      options: ['partner', 'merchant'],
      default: 'partner',
      required: false,
    });
    expect(vipps.fields.find((f) => f.key === 'clientId')).toMatchObject({
      required: true,
      label: 'Client ID',
    });
    expect(vipps.secretFields.map((f) => f.key)).toEqual(['clientSecret', 'subscriptionKey']);
    const tgi = describeProvider(CONNECTORS.tgi!);
    expect(tgi.fields.find((f) => f.key === 'pageLimit')).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 500,
    });
    expect(tgi.fields.find((f) => f.key === 'baseUrl')).toMatchObject({ required: true, default: null });
  });

  it("offers production and the provider's own sandbox as base URL choices, where they exist", () => {
    const presets = (p: keyof typeof CONNECTORS) =>
      describeProvider(CONNECTORS[p]!).fields.find((f) => f.key === 'baseUrl')?.presets;
    expect(presets('sensepass')).toEqual([
      { label: 'Production', value: 'https://api.sensepass.com/api' },
      { label: 'Sandbox', value: 'https://api.sandbox.sensepass.com/api' },
    ]);
    expect(presets('sentrypos')).toEqual([{ label: 'Sandbox', value: 'https://sandbox.sentrypos.app' }]);
    expect(presets('vipps')).toEqual([{ label: 'Production', value: 'https://api.vipps.no' }]);
    expect(presets('tgi')).toEqual([]);
    expect(describeProvider(CONNECTORS.vipps!).fields.find((f) => f.key === 'keyFlow')?.presets).toEqual([]);
  });

  it('reads --secret-stdin as a bare value or key=value lines, naming fields but never values', () => {
    const one = [{ key: 'apiKey' }];
    const two = [{ key: 'clientSecret' }, { key: 'subscriptionKey' }];
    expect(parseSecretText(`${KEY}\n`, one)).toEqual({ ok: true, secret: { apiKey: KEY } });
    expect(parseSecretText('clientSecret=Y8K==\nsubscriptionKey=abc\n', two)).toEqual({
      ok: true,
      secret: { clientSecret: 'Y8K==', subscriptionKey: 'abc' },
    });
    const bad = parseSecretText('just-a-value\n', two);
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('just-a-value');
  });
});

describe('connections service', () => {
  it('returns field errors inline and writes nothing when settings or secret are wrong', async () => {
    const { core: c, credentials } = await core();
    const bad = await c.dispatch('connections:add', {
      provider: 'sentrypos',
      name: 'Till',
      config: { baseUrl: 'not a url', pageLimit: 'lots', apiKey: KEY },
      secret: {},
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('BAD_INPUT');
    const fields = (bad.error.details as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(fields.pageLimit).toEqual(['Enter a whole number']);
    expect(fields.apiKey?.[0]).toMatch(/is a secret/);
    expect(fields['secret.apiKey']?.[0]).toMatch(/Enter the API key/);
    expect(JSON.stringify(bad)).not.toContain(KEY);
    expect((await c.dispatch('connections:overview', {})) as unknown).toEqual({
      ok: true,
      value: { connections: [], keychainError: null },
    });
    expect(await credentials.has('x')).toBe(false);
    c.close();
  });

  it('flags every missing required field at once: the name, Client ID and the secret', async () => {
    const { core: c } = await core();
    const blank = await c.dispatch('connections:add', {
      provider: 'vipps',
      name: '  ',
      config: { clientId: '', merchantSerialNumber: '' },
      secret: {},
    });
    expect(blank.ok).toBe(false);
    if (blank.ok) return;
    const fields = (blank.error.details as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(fields.name).toEqual(['Give the connection a name']);
    expect(fields.clientId).toEqual(['Enter the Client ID']);
    expect(Object.keys(fields).some((k) => k.startsWith('secret.'))).toBe(true);
    c.close();
  });

  it('adds, merges a rotated secret field, refuses a duplicate name and answers only hasSecret', async () => {
    const { core: c, credentials } = await core();
    const add = await c.dispatch('connections:add', {
      provider: 'vipps',
      name: 'Vipps',
      config: { clientId: 'client-1', keyFlow: 'merchant', merchantSerialNumber: '123456' },
      secret: { clientSecret: 'cs-0000', subscriptionKey: 'sk-0000' },
    });
    if (!add.ok) throw new Error(add.error.message);
    const { id } = add.value as { id: string };
    expect(await c.dispatch('connections:setSecret', { id, secret: { subscriptionKey: 'sk-1111' } })).toEqual(
      {
        ok: true,
        value: { hasSecret: true },
      },
    );
    expect(await credentials.get(id)).toEqual({
      clientSecret: 'cs-0000',
      subscriptionKey: 'sk-1111',
      '@origins': 'https://api.vipps.no',
    });
    const dup = await c.dispatch('connections:add', {
      provider: 'vipps',
      name: 'Vipps',
      config: { clientId: 'c' },
      secret: { clientSecret: 'x-0000' },
    });
    expect(
      dup.ok || (dup.error.details as { fieldErrors: Record<string, string[]> }).fieldErrors.name,
    ).toEqual(['A connection with this name already exists']);
    const audit = JSON.stringify(c.store.db.prepare('SELECT * FROM audit_log').all());
    expect(audit).not.toMatch(/cs-0000|sk-0000|sk-1111/);
    const removed = await c.dispatch('connections:remove', { id });
    expect(removed).toEqual({
      ok: true,
      value: { removed: true, secretRemoved: true, transactionsRemoved: 0 },
    });
    expect(await credentials.has(id)).toBe(false);
    c.close();
  });

  it('asks for the secret again when an edit moves it to another origin, and keeps it for the same origin', async () => {
    const { core: c, credentials } = await core();
    const add = await c.dispatch('connections:add', {
      provider: 'vipps',
      name: 'Vipps',
      config: { clientId: 'client-1', keyFlow: 'merchant', merchantSerialNumber: '123456' },
      secret: { clientSecret: 'cs-0000', subscriptionKey: 'sk-0000' },
    });
    if (!add.ok) throw new Error(add.error.message);
    const { id, config } = add.value as { id: string; config: Record<string, string> };
    const moved = await c.dispatch('connections:update', {
      id,
      config: { ...config, baseUrl: 'https://vipps.attacker.example' },
    });
    expect(moved.ok).toBe(false);
    const fields =
      !moved.ok && (moved.error.details as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(fields).toEqual({
      'secret.clientSecret': [
        'The address changed to https://vipps.attacker.example: enter the Client secret again. ' +
          'The saved one is only ever sent to the address it was entered for.',
      ],
    });
    expect(
      (await c.dispatch('connections:overview', {})).ok &&
        c.store.db.prepare('SELECT config FROM connections').get(),
    ).toEqual({
      config: expect.stringContaining('"https://api.vipps.no"') as unknown,
    });

    // Another path on the same origin keeps the secret.
    const samePlace = await c.dispatch('connections:update', {
      id,
      config: { ...config, baseUrl: 'https://api.vipps.no/v2' },
    });
    expect(samePlace.ok).toBe(true);
    expect(await credentials.get(id)).toMatchObject({ clientSecret: 'cs-0000', subscriptionKey: 'sk-0000' });

    // With the secret entered again, the new origin gets only what was entered for it.
    const withSecret = await c.dispatch('connections:update', {
      id,
      config: { ...config, baseUrl: 'https://staging.example.com' },
      secret: { clientSecret: 'cs-new-1' },
    });
    expect(withSecret.ok).toBe(true);
    expect(await credentials.get(id)).toEqual({
      clientSecret: 'cs-new-1',
      '@origins': 'https://staging.example.com',
    });
    c.close();
  });

  it("binds a Cents refresh token to the token endpoint's origin as well as the API's", async () => {
    const { core: c, credentials } = await core();
    const config = { clientId: 'app', tokenUrl: 'https://auth.example.com/oauth2/token' };
    const add = await c.dispatch('connections:add', {
      provider: 'cents',
      name: 'Cents',
      config,
      secret: { refreshToken: 'rt-0000' },
    });
    if (!add.ok) throw new Error(add.error.message);
    const { id } = add.value as { id: string };
    expect((await credentials.get(id))?.['@origins']).toBe(
      'https://api.centsdonations.com https://auth.example.com',
    );
    const moved = await c.dispatch('connections:update', {
      id,
      config: { ...config, tokenUrl: 'https://auth.attacker.example/oauth2/token' },
    });
    expect(moved.ok || moved.error.code).toBe('BAD_INPUT');
    c.close();
  });
});
