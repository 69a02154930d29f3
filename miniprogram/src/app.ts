import Taro from '@tarojs/taro'
import type { PropsWithChildren } from 'react'
import './app.scss'

if (process.env.TARO_ENV === 'weapp') {
  // Before any page calls a function. An empty CLOUDBASE_ENV_ID means "the environment this
  // mini-program is bound to" (DYNAMIC_CURRENT_ENV), so one package serves test and production.
  const cloud = Taro.cloud as typeof Taro.cloud & { DYNAMIC_CURRENT_ENV?: unknown }
  cloud.init({ env: (CLOUDBASE_ENV_ID || cloud.DYNAMIC_CURRENT_ENV) as string, traceUser: true })
}

function App({ children }: PropsWithChildren) {
  return children
}

export default App
