/**
 * CSV files HQ uploads to import stores and clerks (usually saved from Excel: UTF-8 with a BOM,
 * CRLF line ends, quoted cells when a cell holds a comma, a quote or a line break). Parsing is
 * all-or-nothing: every problem is reported with its line, field and reason, so HQ can fix the
 * file once instead of importing half of it.
 */

export interface CsvRowError {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number
  /** The column's header as written in the file, or '' for a problem with the record itself. */
  field: string
  reason: string
}

export interface CsvRecord {
  line: number
  cells: string[]
}

/** RFC 4180 records; a record may span lines inside quotes. Blank lines are skipped. */
export function parseCsv(text: string): { records: CsvRecord[]; errors: CsvRowError[] } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const records: CsvRecord[] = []
  const errors: CsvRowError[] = []
  let line = 1
  let i = 0
  while (i < source.length) {
    const startLine = line
    const cells: string[] = []
    let broken: string | null = null
    for (;;) {
      let cell = ''
      if (source[i] === '"') {
        i++
        let closed = false
        while (i < source.length) {
          const ch = source[i]
          if (ch === '"') {
            if (source[i + 1] === '"') {
              cell += '"'
              i += 2
              continue
            }
            i++
            closed = true
            break
          }
          if (ch === '\n') line++
          cell += ch
          i++
        }
        if (!closed) broken ??= '引号没有闭合'
        else if (
          i < source.length &&
          source[i] !== ',' &&
          source[i] !== '\r' &&
          source[i] !== '\n'
        ) {
          broken ??= '引号后面只能是逗号或换行'
          while (i < source.length && source[i] !== ',' && source[i] !== '\r' && source[i] !== '\n')
            i++
        }
      } else {
        while (i < source.length && source[i] !== ',' && source[i] !== '\r' && source[i] !== '\n') {
          if (source[i] === '"') broken ??= '未加引号的单元格里不能有双引号'
          cell += source[i]
          i++
        }
      }
      cells.push(cell)
      if (source[i] === ',') {
        i++
        continue
      }
      break
    }
    if (source[i] === '\r') i++
    if (source[i] === '\n') i++
    line++
    if (broken) errors.push({ line: startLine, field: '', reason: broken })
    else if (!(cells.length === 1 && cells[0]?.trim() === ''))
      records.push({ line: startLine, cells })
  }
  return { records, errors }
}

interface Column {
  /** Header names accepted for this column: the Chinese HQ writes first, then English. */
  headers: readonly [string, ...string[]]
  required: boolean
}

/**
 * Maps records to values by header name (a column the file lacks reads as ''), checking the header
 * names every required column; `header` is each column as the file calls it, for error messages.
 */
function byHeader<K extends string>(
  text: string,
  columns: Record<K, Column>,
): {
  rows: { line: number; values: Record<K, string> }[]
  header: Record<K, string>
  errors: CsvRowError[]
} {
  const keys = Object.keys(columns) as K[]
  const header = Object.fromEntries(keys.map((k) => [k, columns[k].headers[0]])) as Record<
    K,
    string
  >
  const { records, errors } = parseCsv(text)
  const [head, ...body] = records
  if (!head)
    return {
      rows: [],
      header,
      errors: errors.length ? errors : [{ line: 1, field: '', reason: '文件是空的' }],
    }
  if (text.includes('\uFFFD'))
    return {
      rows: [],
      header,
      errors: [
        {
          line: head.line,
          field: '',
          reason:
            '文件不是 UTF-8 编码，无法读取中文（Excel 默认保存的 CSV 是 GBK 编码）：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后重新上传',
        },
      ],
    }
  const headerNames = head.cells.map((c) => c.trim().toLowerCase())
  const index = new Map<K, number>()
  for (const key of keys) {
    const at = headerNames.findIndex((h) =>
      columns[key].headers.some((name) => name.toLowerCase() === h),
    )
    if (at >= 0) {
      index.set(key, at)
      header[key] = head.cells[at]?.trim() ?? header[key]
    } else if (columns[key].required)
      errors.push({ line: head.line, field: header[key], reason: `表头缺少「${header[key]}」列` })
  }
  if (errors.some((e) => e.line === head.line)) return { rows: [], header, errors }
  const rows = body.map((record) => {
    const values = Object.fromEntries(
      keys.map((k) => [k, (record.cells[index.get(k) ?? -1] ?? '').trim()]),
    ) as Record<K, string>
    if (record.cells.length > headerNames.length)
      errors.push({
        line: record.line,
        field: '',
        reason: `列数 ${record.cells.length} 多于表头的 ${headerNames.length} 列`,
      })
    return { line: record.line, values }
  })
  if (rows.length === 0) errors.push({ line: head.line, field: '', reason: '除表头外没有数据行' })
  return { rows, header, errors }
}

function checkText(
  text: string,
  max: number,
  line: number,
  field: string,
  errors: CsvRowError[],
): string {
  if (text === '') errors.push({ line, field, reason: '不能为空' })
  else if ([...text].length > max) errors.push({ line, field, reason: `不能超过 ${max} 个字` })
  return text
}

export const MAX_IMPORT_ROWS = 5000

export interface StoreImportRow {
  line: number
  code: string
  name: string
  address: string
  location?: { lat: number; lng: number }
}

const STORE_COLUMNS = {
  code: { headers: ['门店编码', 'code'], required: true },
  name: { headers: ['门店名称', 'name'], required: true },
  address: { headers: ['地址', 'address'], required: true },
  lat: { headers: ['纬度', 'lat'], required: false },
  lng: { headers: ['经度', 'lng'], required: false },
} satisfies Record<string, Column>

function coordinate(
  value: string,
  limit: number,
  line: number,
  field: string,
  errors: CsvRowError[],
): number | undefined {
  if (!value) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || Math.abs(n) > limit) {
    errors.push({ line, field, reason: `应为 -${limit} 到 ${limit} 之间的数字` })
    return undefined
  }
  return n
}

/** A file over MAX_IMPORT_ROWS imports nothing: the parse errors so far plus one naming the limit. */
function tooManyRows(
  count: number,
  errors: CsvRowError[],
): { rows: never[]; errors: CsvRowError[] } | null {
  if (count <= MAX_IMPORT_ROWS) return null
  return {
    rows: [],
    errors: [
      ...errors,
      { line: 1, field: '', reason: `一次最多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${count} 行` },
    ],
  }
}

/** Stores to create; codes are upper-cased (as `createStore` does) and must be unique in the file. */
export function parseStoreImport(text: string): { rows: StoreImportRow[]; errors: CsvRowError[] } {
  const { rows, header, errors } = byHeader(text, STORE_COLUMNS)
  const tooMany = tooManyRows(rows.length, errors)
  if (tooMany) return tooMany
  const seen = new Map<string, number>()
  const out: StoreImportRow[] = []
  for (const { line, values } of rows) {
    const code = values.code.toUpperCase()
    if (!/^[A-Z0-9]{1,12}$/.test(code))
      errors.push({
        line,
        field: header.code,
        reason: code === '' ? '不能为空' : '应为 1-12 位字母或数字',
      })
    else if (seen.has(code))
      errors.push({
        line,
        field: header.code,
        reason: `与第 ${seen.get(code)} 行的门店编码 ${code} 重复`,
      })
    else seen.set(code, line)
    const name = checkText(values.name, 40, line, header.name, errors)
    const address = checkText(values.address, 120, line, header.address, errors)
    const lat = coordinate(values.lat, 90, line, header.lat, errors)
    const lng = coordinate(values.lng, 180, line, header.lng, errors)
    if (Boolean(values.lat) !== Boolean(values.lng))
      errors.push({
        line,
        field: values.lat ? header.lng : header.lat,
        reason: '经度和纬度要么都填，要么都不填',
      })
    out.push({
      line,
      code,
      name,
      address,
      ...(lat !== undefined && lng !== undefined ? { location: { lat, lng } } : {}),
    })
  }
  errors.sort((a, b) => a.line - b.line)
  return { rows: errors.length ? [] : out, errors }
}

export interface ClerkImportRow {
  line: number
  storeCode: string
  name: string
  isManager: boolean
}

const CLERK_COLUMNS = {
  storeCode: { headers: ['门店编码', 'storeCode'], required: true },
  name: { headers: ['姓名', 'name'], required: true },
  isManager: { headers: ['店长', 'isManager'], required: false },
} satisfies Record<string, Column>

const YES = new Set(['是', 'y', 'yes', 'true', '1'])
const NO = new Set(['', '否', 'n', 'no', 'false', '0'])

/** Clerks to invite (each gets a staff invite for their store); store codes are checked by the caller. */
export function parseClerkImport(text: string): { rows: ClerkImportRow[]; errors: CsvRowError[] } {
  const { rows, header, errors } = byHeader(text, CLERK_COLUMNS)
  const tooMany = tooManyRows(rows.length, errors)
  if (tooMany) return tooMany
  const out: ClerkImportRow[] = []
  for (const { line, values } of rows) {
    const storeCode = values.storeCode.toUpperCase()
    if (!/^[A-Z0-9]{1,12}$/.test(storeCode))
      errors.push({
        line,
        field: header.storeCode,
        reason: storeCode === '' ? '不能为空' : '应为 1-12 位字母或数字',
      })
    const name = checkText(values.name, 20, line, header.name, errors)
    const flag = values.isManager.toLowerCase()
    if (!YES.has(flag) && !NO.has(flag))
      errors.push({ line, field: header.isManager, reason: '请填「是」或「否」' })
    out.push({ line, storeCode, name, isManager: YES.has(flag) })
  }
  errors.sort((a, b) => a.line - b.line)
  return { rows: errors.length ? [] : out, errors }
}

export interface StockImportRow {
  line: number
  productId: string
  /** A store code (upper case), or `central` for the warehouse. */
  locationCode: string
  quantity: number
}

/** What a stock file calls the central warehouse. */
export const CENTRAL_NAMES = ['中央仓', 'central']

const STOCK_COLUMNS = {
  productId: { headers: ['商品编号', 'productId'], required: true },
  productName: { headers: ['商品名称', 'name'], required: false },
  location: { headers: ['门店编码', 'location', 'storeCode'], required: true },
  quantity: { headers: ['库存', 'quantity'], required: true },
} satisfies Record<string, Column>

/**
 * Shelf counts to set (商品编号, 门店编码 or 中央仓, 库存; 商品名称 is for people and not read).
 * Product ids and store codes are checked by the caller against the database.
 */
export function parseStockImport(
  text: string,
  maxQuantity: number,
): { rows: StockImportRow[]; errors: CsvRowError[] } {
  const { rows, header, errors } = byHeader(text, STOCK_COLUMNS)
  const tooMany = tooManyRows(rows.length, errors)
  if (tooMany) return tooMany
  const seen = new Map<string, number>()
  const out: StockImportRow[] = []
  for (const { line, values } of rows) {
    const productId = values.productId
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(productId))
      errors.push({
        line,
        field: header.productId,
        reason: productId === '' ? '不能为空' : '商品编号只含字母、数字、- 或 _',
      })
    const location = values.location
    const locationCode = CENTRAL_NAMES.includes(location.toLowerCase())
      ? 'central'
      : location.toUpperCase()
    if (locationCode !== 'central' && !/^[A-Z0-9]{1,12}$/.test(locationCode))
      errors.push({
        line,
        field: header.location,
        reason: location === '' ? '不能为空' : '应为门店编码（1-12 位字母或数字）或「中央仓」',
      })
    const quantity = Number(values.quantity)
    if (!/^\d+$/.test(values.quantity) || quantity > maxQuantity)
      errors.push({
        line,
        field: header.quantity,
        reason: values.quantity === '' ? '不能为空' : `应为 0 到 ${maxQuantity} 之间的整数`,
      })
    const key = `${productId}|${locationCode}`
    if (seen.has(key))
      errors.push({
        line,
        field: header.location,
        reason: `与第 ${seen.get(key)} 行是同一商品和地点`,
      })
    else seen.set(key, line)
    out.push({ line, productId, locationCode, quantity })
  }
  errors.sort((a, b) => a.line - b.line)
  return { rows: errors.length ? [] : out, errors }
}

export interface MemberNoRow {
  line: number
  memberNo: string
}

/** What a list of member numbers may call its one column (the header row itself is optional). */
const MEMBER_NO_HEADERS = ['会员号', 'memberno', 'member_no']

/**
 * A list of member numbers (会员号, one per line) to give a coupon to: a header row is optional,
 * every number must be 9 digits and appear once. Whether each member exists is checked by the
 * caller against the database. All or nothing, as the other imports.
 */
export function parseMemberNoList(text: string): { rows: MemberNoRow[]; errors: CsvRowError[] } {
  const { records, errors } = parseCsv(text)
  if (records.length === 0)
    return {
      rows: [],
      errors: errors.length ? errors : [{ line: 1, field: '', reason: '文件是空的' }],
    }
  if (text.includes('\uFFFD'))
    return {
      rows: [],
      errors: [
        {
          line: 1,
          field: '',
          reason:
            '文件不是 UTF-8 编码，无法读取（Excel 默认保存的 CSV 是 GBK 编码）：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后重新上传',
        },
      ],
    }
  const first = records[0]!
  const hasHeader =
    first.cells.length >= 1 && MEMBER_NO_HEADERS.includes(first.cells[0]!.trim().toLowerCase())
  const body = hasHeader ? records.slice(1) : records
  if (body.length === 0)
    return {
      rows: [],
      errors: [...errors, { line: first.line, field: '', reason: '除表头外没有会员号' }],
    }
  const tooMany = tooManyRows(body.length, errors)
  if (tooMany) return tooMany
  const field = '会员号'
  const seen = new Map<string, number>()
  const out: MemberNoRow[] = []
  for (const { line, cells } of body) {
    // Excel writes trailing empty cells for a sheet that once had more columns: those are fine.
    const filled = cells.map((c) => c.trim()).filter((c) => c !== '')
    const memberNo = filled[0] ?? ''
    if (memberNo === '') {
      errors.push({ line, field, reason: '不能为空' })
      continue
    }
    if (filled.length > 1) {
      errors.push({ line, field: '', reason: '每行只填一个会员号' })
      continue
    }
    if (!/^\d{9}$/.test(memberNo)) {
      errors.push({ line, field, reason: `「${memberNo}」不是会员号：会员号为 9 位数字` })
      continue
    }
    if (seen.has(memberNo)) {
      errors.push({ line, field, reason: `与第 ${seen.get(memberNo)} 行的会员号 ${memberNo} 重复` })
      continue
    }
    seen.set(memberNo, line)
    out.push({ line, memberNo })
  }
  errors.sort((a, b) => a.line - b.line)
  return { rows: errors.length ? [] : out, errors }
}
