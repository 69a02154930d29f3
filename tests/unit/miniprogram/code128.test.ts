import fc from 'fast-check'
import {
  barsOf,
  decodeCode128C,
  encodeCode128C,
  QUIET_ZONE,
  START_C,
  STOP,
} from '../../../miniprogram/src/lib/code128'

describe('Code 128 set C encoder', () => {
  it('encodes a known value with the standard checksum', () => {
    // "1234": START C(105) + 12*1 + 34*2 = 185 → 185 % 103 = 82.
    const code = encodeCode128C('1234')
    expect(code.symbols).toEqual([START_C, 12, 34, 82, STOP])
    // Every symbol is 11 modules wide, STOP is 13, plus the quiet zones.
    expect(code.modules).toBe(4 * 11 + 13 + 2 * QUIET_ZONE)
  })

  it('rejects odd lengths and non-digits', () => {
    expect(() => encodeCode128C('123')).toThrow()
    expect(() => encodeCode128C('12a4')).toThrow()
    expect(() => encodeCode128C('')).toThrow()
  })

  it('round-trips random 20-digit member codes through encode → decode', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{20}$/), (digits) => {
        const code = encodeCode128C(digits)
        expect(code.widths.every((w) => w >= 1 && w <= 4)).toBe(true)
        expect(decodeCode128C(code.widths)).toBe(digits)
        // 20 digits → 10 data symbols + start + check (11 modules each) + stop (13).
        expect(code.modules).toBe(12 * 11 + 13 + 2 * QUIET_ZONE)
      }),
      { numRuns: 500 },
    )
  })

  it('refuses a barcode whose checksum does not match', () => {
    const code = encodeCode128C('12345678901234567890')
    const tampered = [...code.widths]
    // Swap the first data symbol for another valid one (12 → 13): the checksum no longer fits.
    const other = encodeCode128C('13345678901234567890').widths
    tampered.splice(6, 6, ...other.slice(6, 12))
    expect(decodeCode128C(tampered)).toBeUndefined()
  })

  it('lists bars with their offsets, starting after the quiet zone', () => {
    const code = encodeCode128C('00')
    const bars = barsOf(code)
    expect(bars[0]).toEqual([QUIET_ZONE, 2])
    expect(bars.length).toBe(Math.ceil(code.widths.length / 2))
    const last = bars[bars.length - 1]!
    expect(last[0] + last[1]).toBe(code.modules - QUIET_ZONE)
  })
})
