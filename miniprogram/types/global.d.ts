/// <reference types="@tarojs/taro" />

declare module '*.png' {
  const src: string
  export default src
}
declare module '*.scss'

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production'
    /** The build target; comparisons against it are constant-folded so the other target's code is dropped. */
    TARO_ENV: 'weapp' | 'h5'
  }
}

/** Replaced at build time (config/index.ts `defineConstants`). */
declare const CLOUDBASE_ENV_ID: string
declare const APP_VERSION: string
declare const SUBSCRIBE_TEMPLATE_NEW_MESSAGE: string

/** Node's `require`, used only behind a compile-time `TARO_ENV` guard so webpack drops the branch. */
declare function require(id: string): any
// `process.env.X` is rewritten by webpack's DefinePlugin; declare just enough of `process` for that.
declare const process: { env: NodeJS.ProcessEnv }
