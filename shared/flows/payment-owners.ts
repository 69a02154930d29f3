/**
 * What payments pay for, wired once per function instance: importing this module registers the
 * shop's orders and the points mall's mail redemptions as payment owners. Every function whose
 * actions can create, settle, close or refund a payment imports it (a unit test checks that).
 */
import { registerPaymentOwner } from '../payments/owners'
import { redemptionOwner } from './mail-redemption'
import { orderOwner } from './orders'

registerPaymentOwner('order', orderOwner)
registerPaymentOwner('redemption', redemptionOwner)
