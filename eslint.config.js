import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';

export default ts.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The core must stay runnable under plain Node: Electron is imported only by the thin shell.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src-main/electron may import electron.' }] },
      ],
    },
  },
  {
    files: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  // The layering of src-main (docs/architecture.md, "Modules and what each may import"), checked on
  // resolved paths so a relative import cannot slip past it. The model depends on nothing; the store
  // and the providers only on the model; the sandbox stands alone (it plays the outside world); the
  // core never reaches up into the shells that host it.
  {
    files: ['src-main/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        { type: 'model', pattern: 'src-main/core/model' },
        { type: 'store', pattern: 'src-main/core/store' },
        { type: 'providers', pattern: 'src-main/core/providers' },
        { type: 'credentials', pattern: 'src-main/core/credentials' },
        { type: 'sandbox', pattern: 'src-main/core/sandbox' },
        { type: 'core', pattern: 'src-main/core/*' },
        { type: 'core', pattern: 'src-main/core' },
        { type: 'shell', pattern: 'src-main/(cli|electron|server)' },
      ],
      // Re-exports and lazy imports are dependencies too.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    },
    rules: {
      // An import of a file no element covers would go unchecked: a new folder must be placed first.
      'boundaries/no-unknown-dependencies': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: 'Layering: {{from.type}} may not import {{to.elementPath}} (see docs/architecture.md).',
          policies: [
            { from: { element: { type: 'model' } }, allow: { to: { element: { type: 'model' } } } },
            { from: { element: { type: 'store' } }, allow: { to: { element: { type: '{store,model}' } } } },
            {
              from: { element: { type: 'providers' } },
              allow: { to: { element: { type: '{providers,model}' } } },
            },
            {
              from: { element: { type: 'credentials' } },
              allow: { to: { element: { type: '{credentials,model}' } } },
            },
            { from: { element: { type: 'sandbox' } }, allow: { to: { element: { type: 'sandbox' } } } },
            { from: { element: { type: 'core' } }, allow: { to: { element: { type: '!shell' } } } },
            { from: { element: { type: 'shell' } }, allow: { to: { element: { type: '*' } } } },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,svelte}', 'test/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // The renderer reaches the core only through the API client; from src-main it takes types alone
  // (a value import would pull Node code into the browser bundle).
  {
    files: ['src-renderer/**/*.{ts,svelte}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**'],
              allowTypeImports: true,
              message: 'The renderer may import only types from src-main; call the core through lib/api.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
);
