// Native WeChat components used from JSX (see the page configs' `usingComponents`).
import 'react'

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      /** native/member-code: QR symbol + printed code. */
      'member-code': { code: string; caption?: string }
    }
  }
}
