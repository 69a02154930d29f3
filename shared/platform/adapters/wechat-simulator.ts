/**
 * The local stack's WeChat: a mini-program code is a PNG QR code of the H5 app's bind page with
 * the same scene (so a phone camera or the e2e test can "scan" it), and a phone number is typed
 * and checked instead of coming from WeChat's phone-number button.
 */
import QRCode from 'qrcode'
import { normalisePhone } from '../phone'
import {
  WeChatError,
  type MiniProgramCodeRequest,
  type PhoneProof,
  type SubscribeMessage,
  type SubscribeResult,
  type WeChatPort,
} from '../ports/wechat'

export class WeChatSimulator implements WeChatPort {
  /**
   * @param h5BaseUrl the local stack's URL: codes open its H5 app, and subscribe messages go to
   *   its sandbox outbox (`POST /sandbox/wechat/subscribe`, listed at `GET /sandbox/messages`).
   */
  constructor(
    private readonly h5BaseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The H5 URL a code opens: the same page and scene as the WeChat code would. */
  codeUrl(request: MiniProgramCodeRequest): string {
    return `${this.h5BaseUrl.replace(/\/$/, '')}/#/${request.page}?scene=${encodeURIComponent(request.scene)}`
  }

  async getUnlimitedCode(request: MiniProgramCodeRequest): Promise<Buffer> {
    return QRCode.toBuffer(this.codeUrl(request), {
      type: 'png',
      width: request.width ?? 430,
      margin: 2,
    })
  }

  async resolvePhone(proof: PhoneProof): Promise<string> {
    const phone = proof.phone === undefined ? null : normalisePhone(proof.phone)
    if (!phone) throw new WeChatError(40001, 'a valid 11-digit mainland mobile number is required')
    return phone
  }

  async sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeResult> {
    const res = await this.fetchImpl(
      `${this.h5BaseUrl.replace(/\/$/, '')}/sandbox/wechat/subscribe`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      },
    )
    return (await res.json()) as SubscribeResult
  }
}
