/**
 * The local stack's stand-in for WeChat's subscribe-message service: functions (through the
 * WeChat simulator adapter) post messages here; they land in an outbox kept on disk
 * (`<DATA_DIR>/outbox.jsonl`) and listed at `GET /sandbox/messages`. Tests can make WeChat refuse
 * an openid (`POST /sandbox/wechat/refuse {openid, errcode}`), as a user who blocked messages.
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

export interface OutboxMessage {
  id: string
  at: string
  touser: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  errcode: number
}

export class WeChatSandbox {
  private readonly file: string
  private readonly refusals = new Map<string, number>()
  private messages: OutboxMessage[]

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'outbox.jsonl')
    this.messages = existsSync(this.file)
      ? readFileSync(this.file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as OutboxMessage)
      : []
  }

  send(body: unknown): { errcode: number; errmsg: string } {
    const m = body as Partial<OutboxMessage>
    if (
      typeof m.touser !== 'string' ||
      typeof m.templateId !== 'string' ||
      typeof m.data !== 'object' ||
      m.data === null
    ) {
      return {
        errcode: 47003,
        errmsg: 'argument invalid: touser, template_id and data are required',
      }
    }
    for (const [key, field] of Object.entries(m.data)) {
      if (typeof field?.value !== 'string' || field.value.length > 20 * 4)
        return { errcode: 47003, errmsg: `argument invalid: data.${key}.value` }
    }
    const errcode = this.refusals.get(m.touser) ?? 0
    const message: OutboxMessage = {
      id: randomUUID(),
      at: new Date().toISOString(),
      touser: m.touser,
      templateId: m.templateId,
      page: typeof m.page === 'string' ? m.page : '',
      data: m.data,
      errcode,
    }
    if (errcode === 0) {
      this.messages.push(message)
      appendFileSync(this.file, `${JSON.stringify(message)}\n`)
    }
    return { errcode, errmsg: errcode === 0 ? 'ok' : 'user refuses to accept the msg' }
  }

  refuse(openid: string, errcode: number): void {
    if (errcode === 0) this.refusals.delete(openid)
    else this.refusals.set(openid, errcode)
  }

  list(filter: { touser?: string | null; templateId?: string | null }): OutboxMessage[] {
    return this.messages.filter(
      (m) =>
        (!filter.touser || m.touser === filter.touser) &&
        (!filter.templateId || m.templateId === filter.templateId),
    )
  }
}
