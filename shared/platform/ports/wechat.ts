/**
 * The WeChat edges the functions need, as one port: `WeChatHttpsAdapter` (api.weixin.qq.com with
 * an access token cached in the database), which the local stack points at its WeChat sandbox
 * (scripts/local-cloud/wechat-sandbox.ts) at the same paths.
 */
export interface MiniProgramCodeRequest {
  /** At most 32 visible characters (see shared/rules/scene.ts). */
  scene: string
  /** Page the code opens, e.g. `pages/bind/index`. */
  page: string
  width?: number
}

export interface PhoneProof {
  /** The code from `<button open-type="getPhoneNumber">`. */
  phoneCode?: string
}

export interface SubscribeMessage {
  /** The member's openid. */
  touser: string
  templateId: string
  /** Page the message opens, with its query. */
  page: string
  /** Template fields: `{ thing1: { value: '…' }, time2: { value: '…' } }`. */
  data: Record<string, { value: string }>
}

/** WeChat's answer to subscribeMessage.send: errcode 0 is sent; 43101 means the user refused. */
export interface SubscribeResult {
  errcode: number
  errmsg: string
}

export interface WeChatPort {
  /** PNG image of a mini-program code (wxacode.getUnlimited). */
  getUnlimitedCode(request: MiniProgramCodeRequest): Promise<Buffer>
  /** The verified phone number (11 digits) behind a proof; throws WeChatError when refused. */
  resolvePhone(proof: PhoneProof): Promise<string>
  /** subscribeMessage.send; resolves with WeChat's result code (never throws for a refusal). */
  sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeResult>
}

export class WeChatError extends Error {
  constructor(
    readonly errcode: number | string,
    message: string,
  ) {
    super(message)
    this.name = 'WeChatError'
  }
}
