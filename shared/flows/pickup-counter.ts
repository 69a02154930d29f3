/**
 * The pickup counter: one `verifyPickup {pickupCode}` for both kinds of code a member shows —
 * 8 digits for a shop order (shop-service), 10 digits for a gift redemption (redemption-service).
 * Each kind keeps its own store scoping and once-only guarantee.
 */
import { normalisePickupCode } from '../gifts/rules/pickup-code'
import type { InvocationContext } from '../platform/runtime/define-function'
import { pickupDetail, verifyPickup } from './redemption'
import { orderPickupDetail, verifyOrderPickup } from './order-fulfilment'
import { requireStaff } from '../staff/lookups'

const isOrderCode = (code: string) => code.length === 8

export async function verifyPickupCode(ctx: InvocationContext, input: { pickupCode: string }) {
  const code = normalisePickupCode(input.pickupCode)
  if (!isOrderCode(code)) return verifyPickup(ctx, input)
  return verifyOrderPickup(ctx, await requireStaff(ctx), code)
}

export async function pickupCodeDetail(ctx: InvocationContext, input: { pickupCode: string }) {
  const code = normalisePickupCode(input.pickupCode)
  if (!isOrderCode(code)) return pickupDetail(ctx, input)
  return orderPickupDetail(ctx, await requireStaff(ctx), code)
}
