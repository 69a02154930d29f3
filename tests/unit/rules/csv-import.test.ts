import fc from 'fast-check'
import { fenToYuan, yuanToFen } from '../../../shared/commission/rules/commission'
import { neutralise, toCsv } from '../../../shared/platform/csv'
import { parseClerkImport, parseCsv, parseStoreImport } from '../../../shared/hq/rules/csv-import'

/** Cells made of what breaks naive CSV readers: quotes, commas, CR, LF, spaces, Chinese. */
const cell = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    '7',
    ' ',
    '"',
    ',',
    '\r',
    '\n',
    '门',
    '店',
    '上',
    '海',
    '，',
    '\t',
  ),
  maxLength: 10,
})
const row = fc
  .array(cell, { minLength: 1, maxLength: 5 })
  .filter((cells) => !(cells.length === 1 && cells[0]?.trim() === ''))
const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)
const encode = (rows: string[][], eol: string, bom: boolean) =>
  `${bom ? '\uFEFF' : ''}${rows.map((r) => r.map(quote).join(',')).join(eol)}`

describe('parseCsv', () => {
  it('reads back what Excel writes (BOM, CRLF, quoted cells), cell for cell', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        const { records, errors } = parseCsv(toCsv(rows[0] ?? [], rows.slice(1)))
        expect(errors).toEqual([])
        // The product's writer neutralises a leading tab or CR (formula injection): read back as such.
        expect(records.map((r) => r.cells)).toEqual(rows.map((r) => r.map(neutralise)))
      }),
    )
  })

  it('any line ending, with or without BOM: same cells, and each record starts on its physical line', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        fc.boolean(),
        (rows, eol, bom, trailing) => {
          const { records, errors } = parseCsv(encode(rows, eol, bom) + (trailing ? eol : ''))
          expect(errors).toEqual([])
          expect(records.map((r) => r.cells)).toEqual(rows)
          let line = 1
          rows.forEach((cells, i) => {
            expect(records[i]?.line).toBe(line)
            line += 1 + cells.join('').split('\n').length - 1
          })
        },
      ),
    )
  })

  it('never throws; every error names a line of the file', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '"', ',', '\r', '\n', '店', ' '), maxLength: 60 }),
        (text) => {
          const { errors } = parseCsv(text)
          const lines = text.split(/\r\n|\r|\n/).length
          for (const e of errors) {
            expect(e.line).toBeGreaterThanOrEqual(1)
            expect(e.line).toBeLessThanOrEqual(lines)
          }
        },
      ),
    )
  })

  it('reports broken quoting with the line the record starts on', () => {
    expect(parseCsv('a,b\r\nc,"d\r\ne').errors).toEqual([
      { line: 2, field: '', reason: '引号没有闭合' },
    ])
    expect(parseCsv('a,b\nc,"d"x\n').errors).toEqual([
      { line: 2, field: '', reason: '引号后面只能是逗号或换行' },
    ])
    expect(parseCsv('a,b\nc,d"e\n').errors).toEqual([
      { line: 2, field: '', reason: '未加引号的单元格里不能有双引号' },
    ])
  })
})

const storeCode = fc.stringMatching(/^[A-Z0-9]{1,12}$/)
const text = (max: number) =>
  fc
    .string({
      unit: fc.constantFrom('静', '安', '寺', '店', ',', '"', ' ', 'A', '1', '\n', '号'),
      minLength: 1,
      maxLength: max,
    })
    .filter((s) => s.trim().length > 0)

describe('parseStoreImport', () => {
  it('reads every valid store in any file encoding, whatever the cells contain', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ code: storeCode, name: text(40), address: text(120) }), {
          selector: (s) => s.code,
          minLength: 1,
          maxLength: 20,
        }),
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        (stores, eol, bom) => {
          const file = encode(
            [
              ['门店编码', '门店名称', '地址'],
              ...stores.map((s) => [s.code.toLowerCase(), s.name, s.address]),
            ],
            eol,
            bom,
          )
          const { rows, errors } = parseStoreImport(file)
          expect(errors).toEqual([])
          expect(rows.map(({ code, name, address }) => ({ code, name, address }))).toEqual(
            stores.map((s) => ({ code: s.code, name: s.name.trim(), address: s.address.trim() })),
          )
        },
      ),
    )
  })

  it('one bad row: its line, column and reason are reported and no row is returned', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(storeCode, { minLength: 2, maxLength: 20 }),
        fc.nat(),
        (codes, pick) => {
          const bad = pick % codes.length
          const file = toCsv(
            ['门店编码', '门店名称', '地址'],
            codes.map((code, i) => [code, i === bad ? '' : `门店${i}`, '上海市']),
          )
          const { rows, errors } = parseStoreImport(file)
          expect(rows).toEqual([])
          expect(errors).toEqual([{ line: bad + 2, field: '门店名称', reason: '不能为空' }])
        },
      ),
    )
  })

  it('checks codes, duplicates, coordinates and the header', () => {
    const file =
      '\uFEFF门店编码,门店名称,地址,纬度,经度\r\nSH010,"南京东路店, 一楼",上海市黄浦区,31.23,121.47\r\nsh010,重复店,上海市,,\r\nSH-1,坏编码店,上海市,,\r\nSH011,半坐标店,上海市,31.2,\r\n'
    expect(parseStoreImport(file).errors).toEqual([
      { line: 3, field: '门店编码', reason: '与第 2 行的门店编码 SH010 重复' },
      { line: 4, field: '门店编码', reason: '应为 1-12 位字母或数字' },
      { line: 5, field: '经度', reason: '经度和纬度要么都填，要么都不填' },
    ])
    expect(parseStoreImport('code,name\nSH1,店\n').errors).toEqual([
      { line: 1, field: '地址', reason: '表头缺少「地址」列' },
    ])
    expect(parseStoreImport('\uFEFF').errors).toEqual([
      { line: 1, field: '', reason: '文件是空的' },
    ])
    const ok = parseStoreImport('code,name,address,lat,lng\nsh1,店,路,31.2,121.4\n')
    expect(ok.rows).toEqual([
      { line: 2, code: 'SH1', name: '店', address: '路', location: { lat: 31.2, lng: 121.4 } },
    ])
  })
})

describe('parseClerkImport', () => {
  it('reads clerks and the manager flag; a bad flag names its line', () => {
    const ok = parseClerkImport('门店编码,姓名,店长\r\nsh001,王小明,是\r\nSH002,"李, 四",\r\n')
    expect(ok.errors).toEqual([])
    expect(ok.rows).toEqual([
      { line: 2, storeCode: 'SH001', name: '王小明', isManager: true },
      { line: 3, storeCode: 'SH002', name: '李, 四', isManager: false },
    ])
    expect(parseClerkImport('门店编码,姓名,店长\nSH001,王小明,也许\n').errors).toEqual([
      { line: 2, field: '店长', reason: '请填「是」或「否」' },
    ])
  })
})

describe('yuanToFen', () => {
  it('is the exact inverse of fenToYuan for positive amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_999 }), (fen) =>
        expect(yuanToFen(fenToYuan(fen))).toBe(fen),
      ),
    )
  })

  it('takes at most two decimals and only positive amounts', () => {
    expect(yuanToFen('12.5')).toBe(1250)
    expect(yuanToFen(' 0.07 ')).toBe(7)
    expect(yuanToFen('20')).toBe(2000)
    for (const bad of ['0', '0.00', '1.234', '-1', '1e3', '', '１２'])
      expect(yuanToFen(bad)).toBeNull()
  })
})
