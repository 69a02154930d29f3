import {
  defaultPersona,
  parsePersonas,
  personaLabel,
  storeLabels,
} from '../../../miniprogram/src/dev/personas'

const body = {
  personas: [
    { openid: 'demo-manager-1', role: 'manager', name: '周店长', storeId: 'store-a' },
    { openid: 'demo-shopper-a', role: 'member', name: '顾客 A（林女士）', storeId: null },
    { openid: 'demo-clerk-2', role: 'clerk', name: '张婷', storeId: 'store-b' },
    { openid: 'demo-clerk-1', role: 'clerk', name: '王小美', storeId: 'store-a' },
  ],
  codes: [],
}

describe('H5 personas', () => {
  it('reads the local stack’s persona list', () => {
    expect(parsePersonas(body).map((p) => p.openid)).toEqual([
      'demo-manager-1',
      'demo-shopper-a',
      'demo-clerk-2',
      'demo-clerk-1',
    ])
  })

  it('skips malformed entries instead of failing', () => {
    const parsed = parsePersonas({
      personas: [
        null,
        { openid: '' },
        { openid: 'x', role: 'admin' },
        { openid: 'y', role: 'member' },
        'z',
      ],
    })
    expect(parsed).toEqual([{ openid: 'y', role: 'member', name: 'y', storeId: null }])
    expect(parsePersonas(undefined)).toEqual([])
    expect(parsePersonas({ personas: 'nope' })).toEqual([])
  })

  it('starts a fresh browser as the first shopper', () => {
    expect(defaultPersona(parsePersonas(body))?.openid).toBe('demo-shopper-a')
    expect(defaultPersona(parsePersonas({ personas: [body.personas[0]] }))?.openid).toBe(
      'demo-manager-1',
    )
    expect(defaultPersona([])).toBeUndefined()
  })

  it('labels personas and numbers stores', () => {
    const personas = parsePersonas(body)
    expect(personas.map(personaLabel)).toEqual([
      '店长 · 周店长',
      '顾客 A（林女士）',
      '店员 · 张婷',
      '店员 · 王小美',
    ])
    expect([...storeLabels(personas)]).toEqual([
      ['store-a', '门店 1'],
      ['store-b', '门店 2'],
    ])
  })
})
