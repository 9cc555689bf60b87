// Type-checked typescript-eslint: lint as design pressure (../shared/style.md, Tooling).
import tseslint from 'typescript-eslint';

/** Modules the pure core must never import: it talks to nothing (../shared/style.md, Shape). */
const transportModules = [
  'node:http',
  'node:https',
  'node:net',
  'node:tls',
  'node:dgram',
  'node:child_process',
  'node:fs',
  'node:fs/promises',
  'http',
  'https',
  'net',
  'tls',
  'dgram',
  'child_process',
  'fs',
  'fs/promises',
  'express',
  'ws',
  'pino',
  'prom-client',
  'yaml',
  '@kubernetes/client-node',
  '@mattermost/client',
  '@mattermost/types',
  'undici',
];

export default tseslint.config(
  { ignores: ['dist/', 'webapp/dist/', 'node_modules/', '.sandbox/', 'coverage/', 'test-results/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      complexity: ['error', 12],
      'max-params': ['error', 4],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: transportModules.map((name) => ({ name, message: 'src/core is pure: put transports in src/adapters/ and pass them in as ports.' })),
          patterns: [{ group: ['**/adapters/**', '@kubernetes/*', '@mattermost/*'], message: 'src/core must not import adapters or transport libraries.' }],
        },
      ],
    },
  },
  {
    // Adapters and leader runnables are given what they use; only entry points reach the composition root.
    files: ['src/adapters/**/*.ts', 'src/leader/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main.ts', '**/serve.ts'],
              message: 'the composition root builds adapters, not the other way round: name its shapes from src/app.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'max-params': 'off',
    },
  },
  {
    // The companion plugin runs in the browser inside the web app: no Node modules, and of the bot's
    // code only the card contract (its types, and card.ts's two pure helpers), so nothing else is bundled.
    files: ['webapp/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'webapp/ runs in the browser.' },
            {
              regex: '^(\\.\\./)+src/(?!core/card\\.ts$)',
              allowTypeImports: true,
              message: 'webapp/ may bundle only src/core/card.ts; import types only from the rest.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
