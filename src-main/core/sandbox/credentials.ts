import type { ProviderId } from './emulators/types.ts';

/**
 * The sandbox's published demo credentials. They are not secrets: they open nothing but the local
 * emulators, and are printed by `posrecon sandbox`. Extra SentryPOS keys exist to provoke 403s.
 */
export const DEMO_CREDENTIALS = {
  sentrypos: {
    apiKey: 'sntr_demo7k2m9q4x8v1b6n3c5z0w2e7r9t4y',
    apiKeyNoScope: 'sntr_noscope4f8j2k6m1q9w3e5r7t0y2u4i',
    apiKeyIpLocked: 'sntr_iplocked8d3f6h9k2m5q7w0e4r1t6y',
  },
  vipps: {
    clientId: 'fb492b5e-7907-4d83-ba20-c7fb60ca35de',
    clientSecret: 'Y8Kteew6GE2ZmeycEt6egg==',
    subscriptionKey: 'da7d5b0e18a84aeda961c0c31b75c2a9',
    merchantSerialNumber: '123456',
    ledgerId: '302321',
  },
  tgi: { headerName: 'X-API-Key', key: 'tgi_demo_3b7e1f9a5c2d8e4f' },
  sensepass: {
    apiKey: 'sp_demo_location_key_7f3a9c1e',
    deviceId: 'sp-demo-device-0001',
    legacyApiKey: 'sp_demo_merchant_key_2b8d',
    branchNumber: '1',
  },
  cents: {
    refreshToken: 'cents-demo-refresh-token-eyJjdHkiOiJKV1QifQ',
    clientId: '5demo0appclient0id0cents00',
    region: 'eu-west-1',
    tokenUrl: '',
  },
} satisfies Record<ProviderId, Record<string, string>>;
