// Lint rules for server, workers, client and tests: the recommended sets, type-aware where cheap.
import js from '@eslint/js';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers (docs/architecture.md): domain/ ← core/ ← server/ and workers/ ← launcher/; the
 * client stands on domain/ alone. Server and workers never import each other. The patterns match
 * the import as written; test/architecture.test.ts resolves every import (dynamic ones and .vue
 * files too) and checks the same.
 */
const outside = (folders, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]), message: why }] }],
});
const layers = [
  {
    files: ['domain/**'],
    rules: outside(['core', 'server', 'workers', 'launcher', 'client', 'test', 'bench'], 'domain/ imports only domain/.'),
  },
  {
    files: ['core/**'],
    rules: outside(['server', 'workers', 'launcher', 'client', 'test', 'bench'], 'core/ imports only domain/ and core/.'),
  },
  {
    files: ['server/**'],
    rules: outside(['workers', 'launcher', 'client', 'test', 'bench'], 'server/ never imports workers/ (nor launcher/).'),
  },
  {
    files: ['workers/**'],
    rules: outside(['server', 'launcher', 'client', 'test', 'bench'], 'workers/ never imports server/ (nor launcher/).'),
  },
  {
    files: ['client/**'],
    rules: outside(['core', 'server', 'workers', 'launcher', 'test', 'bench'], 'client/ imports only client/ and domain/.'),
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'client/dist/', 'data/', 'test-results/', 'bench/results*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/no-v-html': 'error',
      // Formatting is Prettier's job.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  ...layers,
);
