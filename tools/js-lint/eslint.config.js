// ESLint for the console's modules (src/admin/console/*.js): plain browser JavaScript
// modules, no build step. .ci/run runs it with the packages `npm ci` put in target/js-lint.
import js from '@eslint/js';

const browser = Object.fromEntries([
  'window', 'document', 'location', 'navigator', 'sessionStorage', 'fetch', 'Response', 'URL',
  'URLSearchParams', 'Blob', 'Node', 'TextEncoder', 'crypto', 'btoa', 'getSelection', 'confirm',
  'setTimeout', 'console',
].map((name) => [name, 'readonly']));

export default [
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: browser },
    rules: {
      eqeqeq: 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'no-implicit-globals': 'error',
      'no-unused-vars': ['error', { args: 'after-used' }],
      'max-lines': ['error', { max: 400 }],
    },
  },
];
