/**
 * The subscribe-message templates the mini-program uses, as chosen in its WeChat console: each
 * field's key and type (WeChat derives the type from the key's prefix) and what HQ calls it.
 * The template ids differ per deployment: WECHAT_TEMPLATE_<KEY> (shared/platform/runtime/ports.ts).
 * A template chosen in the WeChat console must have exactly these keys.
 */
import { subscribeFieldProblem, type SubscribeFieldType } from './rules/subscribe-fields'

/** Our names for the templates (SUBSCRIBE_TEMPLATE_KEYS in shared/platform/runtime/ports.ts). */
export type SubscribeTemplateKey = 'newMessage' | 'campaign' | 'orderReady'

export interface TemplateField {
  key: string
  type: SubscribeFieldType
  label: string
  required: boolean
}

export const SUBSCRIBE_TEMPLATES: Record<
  SubscribeTemplateKey,
  { title: string; fields: TemplateField[] }
> = {
  campaign: {
    title: '活动通知',
    fields: [
      { key: 'thing1', type: 'thing', label: '活动名称', required: true },
      { key: 'time2', type: 'time', label: '活动时间', required: false },
      { key: 'thing3', type: 'thing', label: '温馨提示', required: false },
    ],
  },
  newMessage: {
    title: '新消息提醒',
    fields: [
      { key: 'thing1', type: 'thing', label: '发送人', required: true },
      { key: 'thing2', type: 'thing', label: '消息内容', required: true },
      { key: 'time3', type: 'time', label: '发送时间', required: true },
    ],
  },
  orderReady: {
    title: '取货通知',
    fields: [
      { key: 'character_string1', type: 'character_string', label: '取货码', required: true },
      { key: 'thing2', type: 'thing', label: '商品名称', required: true },
      { key: 'thing3', type: 'thing', label: '取货门店', required: true },
    ],
  },
}

export interface TemplateDataProblem {
  /** The field's key, e.g. `thing1`. */
  key: string
  /** Chinese, naming the field, e.g. `活动名称（thing1）最多 20 个字`. */
  message: string
}

/** Every way `data` breaks template `key`'s catalogue: unknown keys, missing fields, bad values. */
export function templateDataProblems(
  template: SubscribeTemplateKey,
  data: Record<string, string>,
): TemplateDataProblem[] {
  const fields = SUBSCRIBE_TEMPLATES[template].fields
  const problems: TemplateDataProblem[] = []
  for (const key of Object.keys(data)) {
    if (!fields.some((f) => f.key === key))
      problems.push({
        key,
        message: `模板没有字段 ${key}（可用：${fields.map((f) => f.key).join('、')}）`,
      })
  }
  for (const field of fields) {
    const value = data[field.key]
    if (value === undefined) {
      if (field.required)
        problems.push({ key: field.key, message: `请填写${field.label}（${field.key}）` })
      continue
    }
    const problem = subscribeFieldProblem(field.type, value)
    if (problem)
      problems.push({ key: field.key, message: `${field.label}（${field.key}）${problem}` })
  }
  return problems
}
