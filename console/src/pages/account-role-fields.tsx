/**
 * The role of an HQ account and, for a store manager, the stores they see: one set of fields for
 * 新建账号 and 修改账号 on 账号与权限, so both say the same about each role and both pick stores
 * with the one searchable store picker. Used inside an antd Form whose values carry `role` and
 * `storeIds`.
 */
import { Form, Radio } from 'antd'
import { ROLE_LABELS, type HqRole } from '../../../shared/hq/rules/roles'
import { StorePicker } from '../store-picker'

/** What each role may do, under the role buttons and in the page's 角色说明. */
export const ROLE_HELP: Record<HqRole, string> = {
  admin: '全部功能，包括账号和各项规则',
  operator: '日常运营：门店、导购、会员、订单、礼品、活动；不能管理账号和规则',
  analyst: '只读：查看数据，手机号打码，不能查看聊天内容',
  storeManager: '只看所管门店的会员、订单、销售和提成结算',
}

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as HqRole[]).map((r) => ({
  value: r,
  label: ROLE_LABELS[r],
}))

/** `idPrefix` names the inputs (`<prefix>-role`, `<prefix>-stores`) the page's tests and labels use. */
export function AccountRoleFields({ idPrefix }: { idPrefix: string }) {
  const form = Form.useFormInstance()
  const role = Form.useWatch<HqRole | undefined>('role', form)
  return (
    <>
      <Form.Item name="role" label="角色" extra={role ? ROLE_HELP[role] : undefined}>
        <Radio.Group id={`${idPrefix}-role`} optionType="button" options={ROLE_OPTIONS} />
      </Form.Item>
      {role === 'storeManager' && (
        <Form.Item name="storeIds" label="所管门店">
          <StorePicker id={`${idPrefix}-stores`} mode="multiple" allowClear />
        </Form.Item>
      )}
    </>
  )
}
