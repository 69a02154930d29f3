// One lint setup for the whole repository (TypeScript everywhere; formatting is prettier's job).
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')

module.exports = tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      '.build/**',
      '.test-artifacts/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Native mini-program components run in WeChat's JS runtime with its globals.
    files: ['miniprogram/src/native/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        Component: 'readonly',
        wx: 'readonly',
        getApp: 'readonly',
        Page: 'readonly',
        App: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Taro resolves static assets and CommonJS-only packages with require() at build time.
    files: ['**/*.js', 'miniprogram/src/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Type-aware rules, with each file's own tsconfig.json (root, console/, miniprogram/): a
    // promise nobody awaits or catches, a promise where a void callback is expected, and a switch
    // over a union that forgets a member are bugs the types can see. The two Taro build files
    // outside every tsconfig (miniprogram/config, miniprogram/tools) are linted without types.
    files: [
      '{shared,cloudfunctions,scripts,tests}/**/*.{ts,tsx}',
      'console/src/**/*.{ts,tsx}',
      'miniprogram/{src,types}/**/*.{ts,tsx}',
    ],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // An async JSX handler (onClick, antd's onFinish) is how React code is written here.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      // A `default:` branch is a deliberate "everything else" (e.g. switch (typeof value)).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
)
