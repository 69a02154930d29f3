/**
 * Reading a picked CSV file before it is sent: UTF-8 (with or without Excel's BOM) as it is, the
 * GBK Excel saves on a Chinese Windows decoded instead of failing as a missing column, UTF-16
 * named, and a file over the size limit refused with its size and the limit.
 */
import {
  csvFileProblem,
  decodeCsvBytes,
  MAX_CSV_FILE_BYTES,
} from '../../../shared/platform/csv-decode'
import { parseClerkImport, parseStockImport } from '../../../shared/hq/rules/csv-import'

const CLERKS = '门店编码,姓名,店长\r\nSH001,王小美,否\r\n'
/** The same text as Excel's plain "CSV" saves it on a Chinese Windows (code page 936, GBK). */
const CLERKS_GBK = Buffer.from(
  'c3c5b5eab1e0c2eb2cd0d5c3fb2cb5eab3a40d0a53483030312ccdf5d0a1c3c02cb7f10d0a',
  'hex',
)

describe('decodeCsvBytes', () => {
  it('reads UTF-8 with and without the BOM', () => {
    const bytes = Buffer.from(CLERKS, 'utf8')
    expect(decodeCsvBytes(bytes)).toEqual({ text: CLERKS, encoding: 'utf-8' })
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
    expect(decodeCsvBytes(bom)).toEqual({ text: CLERKS, encoding: 'utf-8' })
  })

  it('reads a GBK file as the same text, which then imports', () => {
    const decoded = decodeCsvBytes(CLERKS_GBK)
    expect(decoded).toEqual({ text: CLERKS, encoding: 'gbk' })
    expect(parseClerkImport(decoded.text)).toEqual({
      rows: [{ line: 2, storeCode: 'SH001', name: '王小美', isManager: false }],
      errors: [],
    })
  })

  it('names UTF-16 instead of reading it', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CLERKS, 'utf16le')])
    expect(() => decodeCsvBytes(utf16)).toThrow('UTF-16')
  })
})

describe('a GBK file that reached the server undecoded', () => {
  it('is named as an encoding problem, not a missing column', () => {
    const mangled = CLERKS_GBK.toString('utf8')
    const { rows, errors } = parseClerkImport(mangled)
    expect(rows).toEqual([])
    expect(errors).toHaveLength(1)
    expect(errors[0]!.reason).toContain('文件不是 UTF-8 编码')
    expect(errors[0]!.reason).toContain('CSV UTF-8')
  })
})

describe('csvFileProblem', () => {
  it('refuses a 5 MB file up front with its size and the limit', () => {
    expect(csvFileProblem(5 * 1024 * 1024)).toBe(
      '文件 5.0 MB，超过 800 KB 的上限：请拆成几个文件分别导入',
    )
    expect(csvFileProblem(MAX_CSV_FILE_BYTES)).toBeNull()
    expect(csvFileProblem(0)).toBe('文件是空的')
  })
})

describe('parseStockImport', () => {
  it('reads product, place and count; 中央仓 is the warehouse; store codes are upper-cased', () => {
    const csv = '商品编号,商品名称,门店编码,库存\r\np-1,面霜,中央仓,40\r\np-1,面霜,sh001,0\r\n'
    expect(parseStockImport(csv, 1_000_000)).toEqual({
      rows: [
        { line: 2, productId: 'p-1', locationCode: 'central', quantity: 40 },
        { line: 3, productId: 'p-1', locationCode: 'SH001', quantity: 0 },
      ],
      errors: [],
    })
  })

  it('lists every bad row: counts that are not whole numbers in range, repeats, missing columns', () => {
    const csv =
      '商品编号,门店编码,库存\r\np-1,SH001,1.5\r\np-1,SH001,3\r\np-2,中央仓,2000000\r\n,SH002,1\r\n'
    expect(parseStockImport(csv, 1_000_000).errors).toEqual([
      { line: 2, field: '库存', reason: '应为 0 到 1000000 之间的整数' },
      { line: 3, field: '门店编码', reason: '与第 2 行是同一商品和地点' },
      { line: 4, field: '库存', reason: '应为 0 到 1000000 之间的整数' },
      { line: 5, field: '商品编号', reason: '不能为空' },
    ])
    expect(parseStockImport('商品编号,库存\r\np-1,3\r\n', 10).errors).toEqual([
      { line: 1, field: '门店编码', reason: '表头缺少「门店编码」列' },
    ])
  })
})
