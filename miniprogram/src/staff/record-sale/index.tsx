import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { api, type ApiResult, type ClientError } from '../../api'
import type { Contracts, OutputOf } from '../../api/contracts'
import { ActionButton } from '../../components/action-button'
import { FormField } from '../../components/form-field'
import { NoticeBar } from '../../components/notice-bar'
import { PageShell } from '../../components/page-shell'
import { formatFen, formatPoints, parseYuanToFen, TIER_LABELS } from '../../lib/format'
import { checkSale, normalizeMemberCode, type SaleDraft } from '../../lib/staff-forms'
import { useApiQuery } from '../../hooks/use-query'
import '../staff-form.scss'

type ScannedMember = OutputOf<Contracts, 'staff', 'scanMember'>
type RecordedSale = OutputOf<Contracts, 'staff', 'recordSale'>
type Lookup =
  { state: 'idle' } | { state: 'loading' } | { state: 'done'; reply: ApiResult<ScannedMember> }

async function scanInto(set: (value: string) => void): Promise<void> {
  try {
    const result = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
    set(result.result)
  } catch {
    // Cancelled.
  }
}

function MemberPreview({ lookup }: { lookup: Lookup }) {
  if (lookup.state === 'idle') return null
  if (lookup.state === 'loading')
    return <View className="sale-member sale-member--muted">正在识别会员…</View>
  if (!lookup.reply.ok) return <SaleLookupError error={lookup.reply.error} />
  const member = lookup.reply.data
  return (
    <View className="sale-member" id="sale-member">
      <View className="sale-member__name">{member.phoneMasked ?? `会员 ${member.memberNo}`}</View>
      <View className="sale-member__meta">
        {TIER_LABELS[member.tier]} · {formatPoints(member.points)} 积分 · {member.storeName}{' '}
        {member.clerkName}
      </View>
      {member.couponName && (
        <View className="sale-member__meta" id="sale-member-coupon">
          顾客出示券码：{member.couponName}
        </View>
      )}
    </View>
  )
}

type TillCoupons = OutputOf<Contracts, 'staff', 'memberCoupons'>

/**
 * The scanned member's coupons as this store's till sees them for the amount typed: usable ones
 * can be applied (one per sale, tap again to remove), the rest show why not. A scanned coupon
 * code brings its own coupon: it is the one applied (the sale uses it), shown alone.
 */
function TillCouponPicker(props: {
  memberCode: string
  amountFen: number | undefined
  chosen: string | null
  onChoose: (couponId: string | null) => void
}) {
  const { memberCode, amountFen } = props
  const [coupons, setCoupons] = useState<TillCoupons | null>(null)
  useEffect(() => {
    let current = true
    void api
      .call('staff', 'memberCoupons', { memberCode, ...(amountFen ? { amountFen } : {}) })
      .then((reply) => {
        if (current) setCoupons(reply.ok ? reply.data : null)
      })
    return () => {
      current = false
    }
  }, [memberCode, amountFen])
  const scannedId = coupons?.scanned?.couponId ?? null
  const { chosen, onChoose } = props
  useEffect(() => {
    if (scannedId !== null && chosen !== scannedId) onChoose(scannedId)
  }, [scannedId, chosen, onChoose])
  if (!coupons || coupons.items.length === 0) return null
  const scanned = coupons.scanned
  const shown = scanned ? [scanned] : coupons.items
  return (
    <View className="sale-coupons" id="sale-coupons">
      <View className="sale-member__meta">
        {scanned ? '本单使用顾客出示的券' : '会员的优惠券（每单限用一张）'}
      </View>
      {shown.map((c) => (
        <View
          key={c.couponId}
          id={`sale-coupon-${c.couponId}`}
          className={
            !c.usable
              ? 'sale-coupon sale-coupon--off'
              : c.couponId === props.chosen
                ? 'sale-coupon sale-coupon--on'
                : 'sale-coupon'
          }
          onClick={
            c.usable && !scanned
              ? () => props.onChoose(c.couponId === props.chosen ? null : c.couponId)
              : undefined
          }
        >
          <View className="sale-member__name">{c.name}</View>
          <View className="sale-member__meta">
            {c.summary} ·{' '}
            {c.usable
              ? c.kind === 'gift'
                ? `赠送 ${c.giftName ?? ''}`
                : amountFen
                  ? `立减 ${formatFen(c.discountFen)}`
                  : '填写金额后计算优惠'
              : c.reason}
          </View>
        </View>
      ))}
    </View>
  )
}

function SaleLookupError({ error }: { error: ClientError }) {
  return <View className="sale-member sale-member--error">{error.message}</View>
}

/**
 * An offline sale at the counter: scan the member's code (the member is looked up at once, so the
 * clerk sees who they are crediting), key in the paid amount and the receipt number, and send it
 * (`staff.recordSale`): the member earns points and their clerk the commission. The server books a
 * member code and a receipt number once, so a double tap or a retry cannot book the sale twice.
 */
export default function RecordSalePage() {
  const [draft, setDraft] = useState<SaleDraft>({ memberCode: '', amount: '', receiptNo: '' })
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' })
  // HQ's per-receipt ceiling and confirmation threshold; nothing is sent before they are known.
  const rules = useApiQuery('staff', 'saleRules')
  const saleRules = rules.status === 'ready' ? rules.data : undefined
  const check = checkSale(draft, saleRules)
  const update = (field: keyof SaleDraft) => (value: string) =>
    setDraft((d) => ({ ...d, [field]: value }))
  const memberCode = normalizeMemberCode(draft.memberCode)
  const [sending, setSending] = useState(false)
  const [problem, setProblem] = useState<ClientError | undefined>(undefined)
  const [recorded, setRecorded] = useState<RecordedSale | undefined>(undefined)
  const [couponId, setCouponId] = useState<string | null>(null)

  const submit = async () => {
    if (!check.ready || !saleRules) return
    if (check.needsConfirm) {
      const answer = await Taro.showModal({
        title: '请核对金额',
        content: `本单金额 ${formatFen(check.ready.amountFen)}，超过总部设定的 ${formatFen(saleRules.confirmAboveFen)}，确认无误再提交`,
        confirmText: '确认提交',
        cancelText: '返回修改',
      })
      if (!answer.confirm) return
    }
    setSending(true)
    setProblem(undefined)
    const reply = await api.call('staff', 'recordSale', {
      ...check.ready,
      ...(couponId ? { couponId } : {}),
    })
    setSending(false)
    if (reply.ok) setRecorded(reply.data)
    else setProblem(reply.error)
  }

  const next = () => {
    setDraft({ memberCode: '', amount: '', receiptNo: '' })
    setCouponId(null)
    setRecorded(undefined)
    setProblem(undefined)
  }

  useEffect(() => {
    // Another code is another sale's member (or coupon): nothing chosen for the last one stays.
    setCouponId(null)
    if (memberCode === undefined) {
      setLookup({ state: 'idle' })
      return undefined
    }
    let current = true
    setLookup({ state: 'loading' })
    void api.call('staff', 'scanMember', { memberCode }).then((reply) => {
      if (current) setLookup({ state: 'done', reply })
    })
    return () => {
      current = false
    }
  }, [memberCode])

  if (recorded) {
    return (
      <PageShell>
        <View className="sale-member" id="sale-recorded">
          <View className="sale-member__name">销售已记录</View>
          <View className="sale-member__meta">
            会员号 {recorded.memberNo} · 小票 {recorded.receiptNo} · {formatFen(recorded.amountFen)}{' '}
            · 积分 +{formatPoints(recorded.pointsEarned)}
          </View>
          {recorded.coupon && (
            <View className="sale-member__meta" id="sale-recorded-coupon">
              已用券「{recorded.coupon.name}」
              {recorded.coupon.giftName
                ? `，请交付礼品：${recorded.coupon.giftName}`
                : `，优惠 ${formatFen(recorded.discountFen)}（小票 ${formatFen(recorded.grossFen)}）`}
            </View>
          )}
        </View>
        <View className="staff-form-actions">
          <ActionButton block id="sale-next" onTap={next}>
            继续记录
          </ActionButton>
        </View>
      </PageShell>
    )
  }

  return (
    <PageShell>
      <View className="staff-form">
        <FormField
          id="sale-member-code"
          label="会员码 / 券码"
          type="number"
          maxlength={24}
          placeholder="扫描顾客出示的会员码或券码"
          value={draft.memberCode}
          onChange={update('memberCode')}
          error={check.errors.memberCode}
          action={
            process.env.TARO_ENV === 'weapp'
              ? { text: '扫码', onTap: () => void scanInto(update('memberCode')) }
              : undefined
          }
        />
        <MemberPreview lookup={lookup} />
        <FormField
          id="sale-amount"
          label="实付金额（元）"
          type="digit"
          placeholder="例如 88.50"
          value={draft.amount}
          onChange={update('amount')}
          error={check.errors.amount}
          hint={
            check.amountPreview
              ? `将记录 ${check.amountPreview}`
              : saleRules
                ? `单张小票最多 ${formatFen(saleRules.receiptLimitFen)}`
                : undefined
          }
        />
        {memberCode !== undefined && lookup.state === 'done' && lookup.reply.ok && (
          <TillCouponPicker
            memberCode={memberCode}
            amountFen={draft.amount.trim() ? parseYuanToFen(draft.amount) : undefined}
            chosen={couponId}
            onChoose={setCouponId}
          />
        )}
        <FormField
          id="sale-receipt"
          label="小票号"
          placeholder="收银小票上的单号"
          maxlength={40}
          value={draft.receiptNo}
          onChange={update('receiptNo')}
          error={check.errors.receiptNo}
        />
      </View>
      {problem && <NoticeBar>{problem.message}</NoticeBar>}
      {rules.status === 'error' && (
        <NoticeBar>{`未能读取总部的登记规则：${rules.error.message}`}</NoticeBar>
      )}
      <View className="staff-form-actions">
        <ActionButton
          block
          disabled={!check.ready || !saleRules}
          busy={sending}
          id="sale-submit"
          onTap={() => void submit()}
        >
          提交销售
        </ActionButton>
      </View>
    </PageShell>
  )
}
