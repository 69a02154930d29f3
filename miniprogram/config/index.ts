/**
 * Taro build configuration for both targets of the mini-program:
 *   `taro build --type weapp` → dist/weapp (the WeChat package; project.config.json opens it)
 *   `taro build --type h5`    → dist/h5    (served by the local stack at `/`)
 * scripts/build-miniprogram.ts runs both in production mode.
 */
import path from 'node:path'
import { defineConfig } from '@tarojs/cli'
import { cloudbaseEnvId } from './cloud-env'

// Contract types and shared helpers live outside src/; Taro only compiles src/ and Taro's own
// packages unless told otherwise (webpack5-runner's getScriptRule reads `compile.include`).
const sharedDir = path.resolve(__dirname, '../../shared')

// TanStack Query's package exports its "modern" build (private class fields, `#x`), which Taro's
// H5 minification mangles into a syntax error and older WeChat JS engines may not parse; its
// "legacy" build is the same code compiled down. Exact-match aliases ($) to those files.
const tanstack = (name: string) =>
  path.resolve(__dirname, `../../node_modules/@tanstack/${name}/build/legacy/index.js`)
const alias = {
  '@tanstack/query-core$': tanstack('query-core'),
  '@tanstack/react-query$': tanstack('react-query'),
}

export default defineConfig<'webpack5'>(async () => ({
  projectName: 'o2o-membership',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: `dist/${process.env.TARO_ENV}`,
  framework: 'react',
  compiler: 'webpack5',
  alias,
  // Persistent cache is off: a clean, reproducible build on every `npm test` is worth more than
  // the few seconds a warm cache would save.
  cache: { enable: false },
  defineConstants: {
    // Required for weapp (./cloud-env.ts): the build fails rather than fall back to a default.
    CLOUDBASE_ENV_ID: JSON.stringify(
      cloudbaseEnvId(process.env.TARO_ENV, process.env.CLOUDBASE_ENV_ID),
    ),
    APP_VERSION: JSON.stringify(process.env.npm_package_version ?? '0.1.0'),
    // The WeChat subscribe-message template the chat reminders use (the same variable the
    // functions read); empty: the app does not ask for consent.
    SUBSCRIBE_TEMPLATE_NEW_MESSAGE: JSON.stringify(process.env.WECHAT_TEMPLATE_NEW_MESSAGE ?? ''),
  },
  mini: {
    compile: { include: [sharedDir] },
    // Every component styles only its own BEM-named classes, so the order in which pages pull
    // the same component stylesheets into a shared chunk cannot change what wins; without this
    // mini-css-extract-plugin reports the differing import orders as a conflict.
    miniCssExtractPluginOption: { ignoreOrder: true },
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: { enable: false },
    },
  },
  h5: {
    // Served at the root of the local stack. Hash routing (`/#/pages/bind/index?scene=…`) is
    // what the local mini-program codes open (scripts/local-cloud/wechat-sandbox.ts), and it
    // needs no server-side fallback for deep links.
    publicPath: '/',
    staticDirectory: 'static',
    router: { mode: 'hash' },
    compile: { include: [sharedDir] },
    output: { filename: 'js/[name].js', chunkFilename: 'chunk/[name].js' },
    miniCssExtractPluginOption: {
      ignoreOrder: true,
      filename: 'css/[name].css',
      chunkFilename: 'css/[name].css',
    },
    postcss: {
      autoprefixer: { enable: true, config: {} },
      cssModules: { enable: false },
    },
    devServer: { host: '127.0.0.1' },
    webpackChain(chain) {
      // webpack's default hint compares raw bytes against 244 KiB. Our budget is 250 KB of
      // gzip for the first load, measured by scripts/bench/miniprogram-size.ts and enforced by
      // tests/miniprogram/bundle-budget.test.ts, so the raw-size hint is noise here.
      chain.performance.hints(false)
    },
  },
}))
