import { MemberCodeView } from '../member-code-view'

interface MemberCodePanelProps {
  code: string
  caption?: string
}

/**
 * The member code on whichever target we are: the native component on WeChat (declared in the
 * page's usingComponents), its React twin on H5. The condition is a build-time constant.
 */
export function MemberCodePanel({ code, caption }: MemberCodePanelProps) {
  if (process.env.TARO_ENV === 'weapp') return <member-code code={code} caption={caption} />
  return <MemberCodeView code={code} caption={caption} />
}
