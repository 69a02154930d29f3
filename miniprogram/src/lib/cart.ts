/**
 * The shopping cart, kept in local storage so it survives closing the app. Pure functions over
 * `CartLine[]` plus load/save; prices are not stored (the server prices every order).
 */
import Taro from '@tarojs/taro'

export interface CartLine {
  productId: string
  qty: number
}

const KEY = 'shop-cart'
export const MAX_QTY = 99

export function loadCart(): CartLine[] {
  try {
    const stored: unknown = Taro.getStorageSync(KEY)
    return Array.isArray(stored)
      ? (stored as CartLine[]).filter((l) => typeof l.productId === 'string' && l.qty > 0)
      : []
  } catch {
    return []
  }
}

export function saveCart(lines: CartLine[]): void {
  Taro.setStorageSync(KEY, lines)
}

/** Adds `delta` (may be negative) to a product's quantity; a line at 0 goes away. */
export function changeQty(lines: CartLine[], productId: string, delta: number): CartLine[] {
  const current = lines.find((l) => l.productId === productId)?.qty ?? 0
  const qty = Math.min(MAX_QTY, Math.max(0, current + delta))
  const rest = lines.filter((l) => l.productId !== productId)
  return qty === 0
    ? rest
    : current === 0
      ? [...lines, { productId, qty }]
      : lines.map((l) => (l.productId === productId ? { productId, qty } : l))
}

export function cartCount(lines: CartLine[]): number {
  return lines.reduce((sum, l) => sum + l.qty, 0)
}
