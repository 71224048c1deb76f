import { readFileSync } from 'node:fs';

/** Read once from package.json, which ships with the app and the CLI alike. */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
