import Taro from '@tarojs/taro'
import type { PropsWithChildren } from 'react'
import './app.scss'

if (process.env.TARO_ENV === 'weapp') {
  // Before any page calls a function: the environment named at build time (CLOUDBASE_ENV_ID,
  // required for this target by miniprogram/config/cloud-env.ts), never a silent default.
  Taro.cloud.init({ env: CLOUDBASE_ENV_ID, traceUser: true })
}

function App({ children }: PropsWithChildren) {
  return children
}

export default App
