/**
 * HQ's long operations as jobs: CSV imports of stores and clerks, a coupon for each member of a
 * CSV of member numbers (flows/coupon-issue-job.ts), and the settlement export. A job
 * moves on one batch per step; the console steps it while its 任务 page is open and the `stepJobs`
 * timer steps every running job, so it finishes when nobody watches. A step holds the job's lease
 * (a conditional update), so two steppers never run the same batch at once; and each write is
 * idempotent (a store by its unique code, an invite by an `_id` derived from the job and line), so
 * a batch re-run after a lost lease or a crash writes nothing twice.
 */
import { z } from 'zod'
import type { adminInput, jobView } from '../hq/contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { JobDoc } from '../hq/documents'
import type { StaffInviteDoc, StoreDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { toCsv } from '../platform/csv'
import {
  parseClerkImport,
  parseMemberNoList,
  parseStockImport,
  parseStoreImport,
  type ClerkImportRow,
  type CsvRowError,
  type StoreImportRow,
} from '../hq/rules/csv-import'
import {
  existingProductIds,
  setStockLevel,
  stockLocationsByCode,
} from '../shop/admin-catalog-service'
import { MAX_STOCK_QUANTITY } from '../shop/rules/stock'
import {
  checkExportReader,
  EXPORT_TITLES,
  exportBatch,
  exportFilename,
  exportTotal,
  seesFullPhones,
  type DataExportKind,
  type DataExportParams,
} from './hq-exports'
import { signScene } from '../membership/rules/scene'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { randomCode } from '../platform/ids'
import { formatShanghaiMinute } from '../platform/calendar'
import { zipFiles, type ZipEntry } from '../platform/zip'
import { posterFileName } from '../staff/rules/poster'
import { clerkPoster, invitePoster, posterBrand, storePoster } from '../hq/poster-service'
import { type AdminSession } from '../hq/documents'
import { jobTransferClerks, moveClerkMembers, transferClerks } from './transfer-members'
import { getStore } from '../staff/lookups'
import { settlementCsv } from '../commission/commission-service'
import type { Actor } from '../platform/lifecycle'
import { jobStatusLabel, nextJobActions } from '../hq/lifecycle'
import { roleOf } from '../hq/rules/roles'
import {
  checkListedMembers,
  couponIssueBatch,
  couponResultFilename,
  couponTemplate,
  type CouponIssueRow,
} from './coupon-issue-job'
import { issueRefusal } from '../coupons/rules/coupons'

type Input<K extends keyof typeof adminInput> = z.output<(typeof adminInput)[K]>
type ClerkJobRow = ClerkImportRow & { storeId: string }
/** A stock file's row with its place resolved when the job was created. */
interface StockJobRow {
  line: number
  productId: string
  location: { id: string; name: string; code: string }
  quantity: number
}

const DATA_EXPORTS: readonly string[] = ['exportOrders', 'exportMembers', 'exportOfflineSales']
const isDataExport = (kind: string): kind is DataExportKind => DATA_EXPORTS.includes(kind)

/** Rows written per step: one round trip each, in parallel, well inside a function's timeout. */
export const JOB_BATCH_SIZE = 50
const LEASE_MS = 25_000
const ERRORS_SHOWN = 20
/** Imported clerks' invites stay valid a week (the longest a console invite can). */
const IMPORT_INVITE_HOURS = 168
const TIMER_JOBS_PER_RUN = 10
/** The admin function times out at 30 s; a timer run stops starting batches after this. */
const TIMER_BUDGET_MS = 20_000

const jobs = () => collection(COLLECTIONS.jobs)

/** The job as `actor` sees it: its status's label and what that caller may do next. */
function viewOf(job: JobDoc, actor: Actor): z.infer<ReturnType<typeof jobView>> {
  const expired = Boolean(job.filesExpiredAt)
  const hadFile = Boolean(job.output) || Boolean(job.file)
  const hasOutput =
    !expired && (Boolean(job.output) || (job.status === 'succeeded' && Boolean(job.file)))
  const facts = { ...job, errorCount: job.errors.length, hasOutput }
  return {
    jobId: job._id,
    kind: job.kind,
    title: job.title,
    status: job.status,
    statusLabel: jobStatusLabel(facts),
    actions: nextJobActions(facts, actor),
    total: job.total,
    done: job.done,
    created: job.created,
    skipped: job.skipped,
    errors: job.errors.slice(0, ERRORS_SHOWN),
    errorCount: job.errors.length,
    hasOutput,
    fileExpiredLabel: expired && hadFile ? '文件已过保留期，已删除' : null,
    createdBy: job.createdBy,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  }
}

/** What a write answers with: only HQ's admins write (an analyst is refused before the service). */
export const writerView = (job: JobDoc) => viewOf(job, 'hq-admin')

async function getJob(jobId: string): Promise<JobDoc> {
  const job = await jobs().get(jobId)
  if (!job) throw new AppError('NOT_FOUND', '任务不存在', 'jobId')
  return job
}

async function insertJob(
  ctx: InvocationContext,
  session: AdminSession,
  fields: Pick<JobDoc, 'kind' | 'title' | 'rows' | 'params' | 'errors' | 'total'> &
    Partial<Pick<JobDoc, 'file' | 'cursor'>>,
): Promise<JobDoc> {
  const job = newJobDoc(ctx, session, fields)
  const id = await jobs().insert(job)
  return { _id: id, ...job }
}

/** A job as it starts (a flow that must create it with other writes inserts it in its transaction). */
export function newJobDoc(
  ctx: InvocationContext,
  session: AdminSession,
  fields: Pick<JobDoc, 'kind' | 'title' | 'rows' | 'params' | 'errors' | 'total'>,
): Omit<JobDoc, '_id'> {
  const now = ctx.clock.now()
  const failed = fields.errors.length > 0
  const job: Omit<JobDoc, '_id'> = {
    ...fields,
    status: failed ? 'failed' : 'running',
    createdBy: session.username,
    createdAt: now,
    updatedAt: now,
    finishedAt: failed ? now : null,
    done: 0,
    created: 0,
    skipped: 0,
    output: null,
    leaseId: null,
    leaseUntil: new Date(0),
  }
  return job
}

/** Active stores by code, for checking a clerk file (at most a few round trips of 1000 codes). */
async function storesByCode(codes: string[]): Promise<Map<string, StoreDoc>> {
  const out = new Map<string, StoreDoc>()
  for (let i = 0; i < codes.length; i += 1000) {
    const found = await collection(COLLECTIONS.stores).find(
      { code: database().command.in(codes.slice(i, i + 1000)) },
      { limit: 1000 },
    )
    for (const store of found) out.set(store.code, store)
  }
  return out
}

/**
 * Checks the whole file before anything is written: a file with any error becomes a failed job
 * that lists every error (line, column, reason) and imports nothing.
 */
export async function createImportJob(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createImportJob'>,
) {
  if (input.kind === 'importStock') return writerView(await createStockImport(ctx, session, input))
  if (input.kind === 'importStores') {
    const parsed = parseStoreImport(input.csv)
    return writerView(
      await insertJob(ctx, session, {
        kind: input.kind,
        title: input.title,
        rows: parsed.rows,
        total: parsed.rows.length,
        params: {},
        errors: parsed.errors,
      }),
    )
  }
  const parsed = parseClerkImport(input.csv)
  const errors: CsvRowError[] = [...parsed.errors]
  let rows: ClerkJobRow[] = []
  if (errors.length === 0) {
    const stores = await storesByCode([...new Set(parsed.rows.map((r) => r.storeCode))])
    for (const row of parsed.rows) {
      const store = stores.get(row.storeCode)
      if (!store)
        errors.push({ line: row.line, field: '门店编码', reason: `门店 ${row.storeCode} 不存在` })
      else if (store.status !== 'active')
        errors.push({ line: row.line, field: '门店编码', reason: `门店 ${row.storeCode} 已停业` })
    }
    if (errors.length === 0)
      rows = parsed.rows.map((r) => ({ ...r, storeId: stores.get(r.storeCode)!._id }))
  }
  return writerView(
    await insertJob(ctx, session, {
      kind: input.kind,
      title: input.title,
      rows,
      total: rows.length,
      params: {},
      errors,
    }),
  )
}

/**
 * A stock file: checked whole first (every product id and store code must exist, a closed store
 * is refused), then set row by row. Setting a count is idempotent, so a batch run twice sets the
 * same counts again.
 */
async function createStockImport(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createImportJob'>,
): Promise<JobDoc> {
  const parsed = parseStockImport(input.csv, MAX_STOCK_QUANTITY)
  const errors: CsvRowError[] = [...parsed.errors]
  let rows: StockJobRow[] = []
  if (errors.length === 0) {
    const [products, locations] = await Promise.all([
      existingProductIds([...new Set(parsed.rows.map((r) => r.productId))]),
      stockLocationsByCode([...new Set(parsed.rows.map((r) => r.locationCode))]),
    ])
    for (const row of parsed.rows) {
      const place = locations.get(row.locationCode)
      if (!products.has(row.productId))
        errors.push({ line: row.line, field: '商品编号', reason: `商品 ${row.productId} 不存在` })
      if (!place)
        errors.push({
          line: row.line,
          field: '门店编码',
          reason: `门店 ${row.locationCode} 不存在`,
        })
      else if (place.closed)
        errors.push({
          line: row.line,
          field: '门店编码',
          reason: `门店 ${row.locationCode} 已停业`,
        })
    }
    if (errors.length === 0)
      rows = parsed.rows.map((r) => {
        const { closed: _closed, ...location } = locations.get(r.locationCode)!
        return { line: r.line, productId: r.productId, location, quantity: r.quantity }
      })
  }
  return insertJob(ctx, session, {
    kind: 'importStock',
    title: input.title,
    rows,
    total: rows.length,
    params: {},
    errors,
  })
}

/**
 * A coupon for each member of a CSV of member numbers (flows/coupon-issue-job.ts). The file is
 * checked whole first, as the imports are: a file with errors becomes a failed job listing them
 * and issues nothing. A template that is paused, used up or past its dates is refused at once.
 */
export async function createCouponIssueJob(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createCouponIssueJob'>,
) {
  const template = await couponTemplate(input.templateId)
  if (!template) throw new AppError('NOT_FOUND', '优惠券不存在', 'templateId')
  // The template's own refusals only (its tiers and each member's limit are the rows' business).
  const refusal = issueRefusal(
    { ...template, tiers: null, perMemberLimit: 1 },
    0,
    'standard',
    ctx.clock.now(),
  )
  if (refusal) throw new AppError('CONFLICT', `${refusal}，不能发放`, 'templateId')
  const parsed = parseMemberNoList(input.csv)
  const checked = parsed.errors.length
    ? { rows: [] as CouponIssueRow[], errors: parsed.errors }
    : await checkListedMembers(parsed.rows)
  return writerView(
    await insertJob(ctx, session, {
      kind: 'issueCouponsCsv',
      title: `发券：${template.name}（${input.title}）`,
      rows: checked.rows,
      total: checked.rows.length,
      params: { templateId: template._id },
      errors: checked.errors,
      ...(checked.errors.length ? {} : { file: { filename: '', parts: 0 } }),
    }),
  )
}

/** Orders, members or offline sales to a CSV file, a batch per step (see flows/hq-exports.ts). */
export async function createDataExport(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createDataExport'>,
) {
  const { kind, ...filter } = input
  if (filter.from && filter.to && filter.from > filter.to)
    throw new AppError('INVALID_INPUT', '开始日期不能晚于结束日期', 'from')
  // A store manager exports their stores' rows only: the scope is the session's, never the input's.
  const scope = session.role === 'storeManager' ? session.storeIds : null
  if (scope && filter.storeId && !scope.includes(filter.storeId))
    throw new AppError('FORBIDDEN', '只能导出所管门店的数据', 'storeId')
  const params: DataExportParams = {
    ...filter,
    ...(scope ? { storeIds: [...scope] } : {}),
    ...(kind === 'exportMembers'
      ? { phones: seesFullPhones(session.role) ? ('full' as const) : ('masked' as const) }
      : {}),
    until: ctx.clock.now().toISOString(),
  }
  const [total, store] = await Promise.all([
    exportTotal(kind, params),
    filter.storeId ? getStore(filter.storeId) : null,
  ])
  if (filter.storeId && !store) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  const range =
    (store ? ` · ${store.name}` : '') +
    (filter.from || filter.to ? ` · ${filter.from ?? '最早'} 至 ${filter.to ?? '今天'}` : '')
  return writerView(
    await insertJob(ctx, session, {
      kind,
      title: `${EXPORT_TITLES[kind]}${range}`,
      rows: [],
      total,
      params: params as unknown as Record<string, unknown>,
      errors: [],
      file: { filename: '', parts: 0 },
      cursor: null,
    }),
  )
}

const fileParts = () => collection(COLLECTIONS.jobFileParts)
const partIdOf = (jobId: string, part: number) => `${jobId}:${part}`

/**
 * One batch of a data export. Its part is written with `set` under the job's lease: a batch re-run
 * after a lost lease or a crash reads the same rows from the same cursor and overwrites the same
 * part, so the joined file never holds a row twice.
 */
async function exportStep(
  job: JobDoc & { kind: DataExportKind },
): Promise<Partial<JobDoc> & Pick<JobDoc, 'done'>> {
  const part = job.file && 'parts' in job.file ? job.file.parts : 0
  const params = job.params as unknown as DataExportParams
  if (params.storeIds) await checkExportScope(job.createdBy, params.storeIds)
  const batch = await exportBatch(job.kind, params, job.cursor ?? null)
  await fileParts().set(partIdOf(job._id, part), { jobId: job._id, part, csv: batch.csv })
  const done = job.done + batch.count
  return {
    done,
    created: done,
    cursor: batch.cursor,
    file: { filename: exportFilename(job.kind, job._id), parts: part + 1 },
    // Rows can still enter the filter while the job runs (an order paid meanwhile): the total
    // follows until the last, short batch.
    total: batch.finished ? done : Math.max(job.total, done + 1),
  }
}

/**
 * A store manager's export runs only while its creator still manages every store it covers: an
 * account moved to other stores, demoted or disabled meanwhile stops the job (it fails with the
 * reason) instead of writing rows it may no longer read. One read of the account per batch.
 */
async function checkExportScope(username: string, storeIds: readonly string[]): Promise<void> {
  const account = await collection(COLLECTIONS.admins).findOne({ username })
  const current =
    account && (account.status ?? 'active') === 'active' && roleOf(account.role) === 'storeManager'
      ? (account.storeIds ?? [])
      : []
  if (!storeIds.every((id) => current.includes(id)))
    throw new AppError('FORBIDDEN', '创建导出的店长账号已不再管理这些门店，导出已停止')
}

/** A store manager sees only the jobs they created (their exports); other roles see every job. */
export interface JobReader {
  actor: Actor
  /** The store manager's user name, or null for a role that sees every job. */
  owner: string | null
}

function readableBy(job: Pick<JobDoc, 'createdBy'>, reader: JobReader): boolean {
  return reader.owner === null || job.createdBy === reader.owner
}

/** One part of a data export's file; a file with full phone numbers only for a role that may see them. */
export async function jobFilePart(input: Input<'jobFile'>, session: AdminSession) {
  const job = await getJob(input.jobId)
  if (session.role === 'storeManager' && job.createdBy !== session.username)
    throw new AppError('NOT_FOUND', '任务不存在', 'jobId')
  if (job.filesExpiredAt)
    throw new AppError('NOT_FOUND', '文件已过保留期，已删除：请重新导出', 'jobId')
  if (!job.file || job.status !== 'succeeded')
    throw new AppError('CONFLICT', '文件还没有生成完，请稍后再下载', 'jobId')
  if (!('parts' in job.file)) throw new AppError('NOT_FOUND', '这个任务的文件请直接下载', 'jobId')
  checkExportReader(job.params as unknown as DataExportParams, session.role)
  if (input.part >= job.file.parts) throw new AppError('NOT_FOUND', '文件没有这一部分', 'part')
  const found = await fileParts().get(partIdOf(job._id, input.part))
  if (!found) throw new AppError('NOT_FOUND', '文件没有这一部分', 'part')
  return {
    filename: job.file.filename,
    part: input.part,
    parts: job.file.parts,
    csv: found.csv,
  }
}

export async function createExportJob(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createExportJob'>,
) {
  const title = `提成结算 ${input.month}（按${input.by === 'clerk' ? '导购' : '门店'}）`
  return writerView(
    await insertJob(ctx, session, {
      kind: input.kind,
      title,
      rows: [],
      total: 1,
      params: { month: input.month, by: input.by },
      errors: [],
    }),
  )
}

/** Moves all of a clerk's members to another clerk in batches (the members page's 整体转移). */
export async function createTransferJob(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createTransferJob'>,
) {
  const { from, to } = await transferClerks(input)
  const members = (await database()
    .collection(COLLECTIONS.members.name)
    .where({ clerkId: from._id, status: 'active' })
    .count()) as { total: number }
  const params = { fromClerkId: from._id, toClerkId: to._id, reason: input.reason }
  return writerView(
    await insertJob(ctx, session, {
      kind: 'transferMembers',
      title: `会员转移：${from.name} → ${to.name}`,
      rows: [],
      total: members.total,
      params,
      errors: [],
    }),
  )
}

const inviteIdOf = (jobId: string, line: number) => `${jobId}-${line}`

/**
 * Sets a batch of stock rows. A row that open orders hold more of than its count is not set and
 * is listed with its reason; the other rows go on.
 */
async function stockBatch(
  ctx: InvocationContext,
  job: JobDoc,
): Promise<{ created: number; skipped: number; count: number; errors: CsvRowError[] }> {
  const batch = (job.rows as StockJobRow[]).slice(job.done, job.done + JOB_BATCH_SIZE)
  const results = await Promise.all(
    batch.map((row) =>
      setStockLevel(
        ctx,
        { productId: row.productId, locationId: row.location.id, quantity: row.quantity },
        { location: row.location },
      ).then(
        () => null,
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'CONFLICT')
            return { line: row.line, field: '库存', reason: err.message }
          throw err
        },
      ),
    ),
  )
  const errors = results.filter((e): e is CsvRowError => e !== null)
  return {
    created: batch.length - errors.length,
    skipped: errors.length,
    count: batch.length,
    errors,
  }
}

async function importBatch(
  ctx: InvocationContext,
  job: JobDoc,
): Promise<{ created: number; skipped: number; count: number }> {
  if (job.kind === 'importClerks') return importClerkRows(ctx, job)
  const now = ctx.clock.now()
  const batch = job.rows.slice(job.done, job.done + JOB_BATCH_SIZE)
  const results = await Promise.all(
    batch.map((raw) => {
      if (job.kind === 'importStores') {
        const row = raw as StoreImportRow
        const store: Omit<StoreDoc, '_id'> = {
          code: row.code,
          name: row.name,
          address: row.address,
          ...(row.location ? { location: row.location } : {}),
          status: 'active',
          createdAt: now,
        }
        // A store code already there (its unique index) is skipped.
        return collection(COLLECTIONS.stores)
          .insertOnce(store)
          .then((r) => r.inserted)
      }
      const row = raw as ClerkJobRow
      const invite: StaffInviteDoc = {
        _id: inviteIdOf(job._id, row.line),
        code: randomCode(10),
        clerkCode: `C${randomCode(7)}`,
        storeId: row.storeId,
        name: row.name,
        isManager: row.isManager,
        expiresAt: new Date(now.getTime() + IMPORT_INVITE_HOURS * 3_600_000),
        createdAt: now,
        createdBy: job.createdBy,
      }
      // A step redone after a lost lease finds its invites there (their ids come from the job).
      return collection(COLLECTIONS.staffInvites)
        .insertOnce(invite)
        .then((r) => r.inserted)
    }),
  )
  const created = results.filter(Boolean).length
  return { created, skipped: results.length - created, count: batch.length }
}

/**
 * Posters are drawn in the step (a fraction of a second each on CloudBase, more on a busy
 * machine): a step draws at most POSTER_BATCH_SIZE and starts no new one after
 * POSTER_STEP_BUDGET_MS, so it ends well inside the function's 30 s; `done` moves by the rows
 * whose poster is in storage.
 */
export const POSTER_BATCH_SIZE = 10
const POSTER_STEP_BUDGET_MS = 8_000

/**
 * Imported clerks, row by row: the invite (once, by its `_id` from the job and line), then its
 * poster into storage (the same path on a re-run, so a redone row leaves one poster).
 */
async function importClerkRows(
  ctx: InvocationContext,
  job: JobDoc,
): Promise<{ created: number; skipped: number; count: number }> {
  const started = Date.now()
  const now = ctx.clock.now()
  const rows = (job.rows as ClerkJobRow[]).slice(job.done, job.done + POSTER_BATCH_SIZE)
  const [stores, brand] = await Promise.all([storesById(rows.map((r) => r.storeId)), posterBrand()])
  let created = 0
  let count = 0
  for (const row of rows) {
    if (count > 0 && Date.now() - started > POSTER_STEP_BUDGET_MS) break
    const fresh: StaffInviteDoc = {
      _id: inviteIdOf(job._id, row.line),
      code: randomCode(10),
      clerkCode: `C${randomCode(7)}`,
      storeId: row.storeId,
      name: row.name,
      isManager: row.isManager,
      expiresAt: new Date(now.getTime() + IMPORT_INVITE_HOURS * 3_600_000),
      createdAt: now,
      createdBy: job.createdBy,
    }
    // A row redone after a lost step finds its invite there (its id comes from the job and line).
    const inserted = (await collection(COLLECTIONS.staffInvites).insertOnce(fresh)).inserted
    if (inserted) created++
    // Redone: the poster carries the invite that was stored first.
    const invite = inserted ? fresh : await collection(COLLECTIONS.staffInvites).get(fresh._id)
    const store = stores.get(row.storeId)
    if (invite && store) {
      const poster = await invitePoster(invite, store, brand)
      await ports().storage.put(partPath(job._id, row.line), poster.png, 'image/png')
    }
    count++
  }
  return { created, skipped: count - created, count }
}

/** Where a job keeps the posters it has drawn until the last step puts them in one ZIP. */
const partPath = (jobId: string, key: string | number) => `jobs/${jobId}/parts/${key}.png`

async function storesById(ids: string[]): Promise<Map<string, StoreDoc>> {
  const _ = database().command
  const found = await collection(COLLECTIONS.stores).find(
    { _id: _.in([...new Set(ids)]) },
    { limit: 1000 },
  )
  return new Map(found.map((s) => [s._id, s]))
}

type PosterRow = { kind: 'store' | 'clerk'; id: string }

/** The posters of a store and its active clerks, drawn a batch per step (`exportPosters`). */
export async function createPosterJob(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createPosterJob'>,
) {
  const [found, clerks] = await Promise.all([
    collection(COLLECTIONS.stores).get(input.storeId),
    collection(COLLECTIONS.clerks).find(
      { storeId: input.storeId, status: 'active' },
      { orderBy: ['createdAt', 'asc'], limit: 1000, fields: ['name'] },
    ),
  ])
  if (!found) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  if (found.status !== 'active')
    throw new AppError('CONFLICT', '门店已停业，不能生成海报', 'storeId')
  const rows: PosterRow[] = [
    { kind: 'store', id: found._id },
    ...clerks.map((c) => ({ kind: 'clerk' as const, id: c._id })),
  ]
  return writerView(
    await insertJob(ctx, session, {
      kind: 'exportPosters',
      title: `海报：${found.name}（门店码及 ${clerks.length} 名导购）`,
      rows,
      total: rows.length,
      params: { storeId: found._id },
      errors: [],
    }),
  )
}

async function posterBatch(job: JobDoc): Promise<{ count: number }> {
  const started = Date.now()
  const rows = (job.rows as PosterRow[]).slice(job.done, job.done + POSTER_BATCH_SIZE)
  const _ = database().command
  const [found, clerks, brand] = await Promise.all([
    collection(COLLECTIONS.stores).get((job.params as { storeId: string }).storeId),
    collection(COLLECTIONS.clerks).find(
      { _id: _.in(rows.filter((r) => r.kind === 'clerk').map((r) => r.id)) },
      { limit: 1000 },
    ),
    posterBrand(),
  ])
  if (!found) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  const byId = new Map(clerks.map((c) => [c._id, c]))
  let count = 0
  for (const [i, row] of rows.entries()) {
    if (count > 0 && Date.now() - started > POSTER_STEP_BUDGET_MS) break
    count++
    const clerk = byId.get(row.id)
    if (row.kind === 'clerk' && !clerk) continue
    const poster =
      row.kind === 'store'
        ? await storePoster(found, brand)
        : await clerkPoster(clerk!, found, brand)
    await ports().storage.put(partPath(job._id, job.done + i), poster.png, 'image/png')
  }
  return { count }
}

/** The finished archive: the parts a job drew (and any text files), in one ZIP in storage. */
async function storeArchive(
  ctx: InvocationContext,
  job: JobDoc,
  filename: string,
  parts: { key: string | number; name: string }[],
  extra: ZipEntry[],
): Promise<{ filename: string; fileId: string }> {
  const entries: ZipEntry[] = [...extra]
  for (let i = 0; i < parts.length; i += 20) {
    const chunk = parts.slice(i, i + 20)
    const bytes = await Promise.all(
      chunk.map((p) =>
        ports()
          .storage.get(partPath(job._id, p.key))
          .catch(() => null),
      ),
    )
    chunk.forEach((p, k) => {
      if (bytes[k]) entries.push({ name: p.name, data: bytes[k] })
    })
  }
  const zip = zipFiles(uniqueNames(entries), ctx.clock.now())
  // A random folder: the download address is the only way to the file (as CloudBase's temporary URLs are).
  const fileId = await ports().storage.put(
    `jobs/${job._id}/${randomCode(16)}/${filename}`,
    zip,
    'application/zip',
  )
  return { filename, fileId }
}

/** Two clerks of the same name in one store still get two files. */
function uniqueNames(entries: ZipEntry[]): ZipEntry[] {
  const seen = new Map<string, number>()
  return entries.map((e) => {
    const n = (seen.get(e.name) ?? 0) + 1
    seen.set(e.name, n)
    return n === 1 ? e : { ...e, name: e.name.replace(/(\.[a-z]+)$/, `(${n})$1`) }
  })
}

/** The imported clerks' invites as a file HQ hands out: each clerk opens their scene's code. */
async function inviteList(job: JobDoc): Promise<{ filename: string; csv: string }> {
  const ids = (job.rows as ClerkJobRow[]).map((r) => inviteIdOf(job._id, r.line))
  const invites = new Map<string, StaffInviteDoc>()
  for (let i = 0; i < ids.length; i += 1000) {
    const found = await collection(COLLECTIONS.staffInvites).find(
      { _id: database().command.in(ids.slice(i, i + 1000)) },
      { limit: 1000 },
    )
    for (const invite of found) invites.set(invite._id, invite)
  }
  const body = (job.rows as ClerkJobRow[]).flatMap((row) => {
    const invite = invites.get(inviteIdOf(job._id, row.line))
    return invite
      ? [
          [
            row.storeCode,
            row.name,
            row.isManager ? '是' : '否',
            signScene({ kind: 'invite', code: invite.code }, ports().secrets.scene),
            formatShanghaiMinute(invite.expiresAt),
          ],
        ]
      : []
  })
  return {
    filename: `clerk-invites-${job._id}.csv`,
    csv: toCsv(['门店编码', '姓名', '店长', '邀请码', '有效期至（北京时间）'], body),
  }
}

/**
 * One step of a job under its lease. Returns the job as it stands; a step that finds the job
 * leased by another stepper (or finished) changes nothing.
 */
export async function stepJob(
  ctx: InvocationContext,
  jobId: string,
): Promise<z.infer<ReturnType<typeof jobView>>> {
  const _ = database().command
  const now = ctx.clock.now()
  const leaseId = `${ctx.requestId}:${jobId}`
  const taken = await jobs().updateIf(
    { _id: jobId, status: 'running', leaseUntil: _.lt(now) },
    { leaseId, leaseUntil: new Date(now.getTime() + LEASE_MS) },
  )
  const job = await getJob(jobId)
  if (!taken || job.leaseId !== leaseId) return writerView(job)
  try {
    let change: Partial<JobDoc> & Pick<JobDoc, 'done'>
    if (job.kind === 'transferMembers') {
      const params = job.params as {
        fromClerkId: string
        toClerkId: string
        reason: string
        fromStoreId?: string
      }
      const batch = await moveClerkMembers(
        ctx,
        job.createdBy,
        {
          ...(await jobTransferClerks(params)),
          reason: params.reason,
          fromStoreId: params.fromStoreId,
        },
        JOB_BATCH_SIZE,
      )
      const done = job.done + batch.moved
      // Members can join the clerk while the job runs: the total follows what is left.
      change = {
        done,
        created: job.created + batch.moved,
        total:
          batch.remaining === 0 || batch.moved === 0
            ? done
            : Math.max(job.total, done + batch.remaining),
      }
    } else if (job.kind === 'exportPosters') {
      const batch = await posterBatch(job)
      change = { done: job.done + batch.count, created: job.created + batch.count }
      if (change.done === job.total) {
        const store = (job.params as { storeId: string }).storeId
        const names = await posterNames(job, store)
        change.file = await storeArchive(
          ctx,
          job,
          `门店海报-${names.storeCode}.zip`,
          names.parts,
          [],
        )
      }
    } else if (job.kind === 'exportSettlement') {
      const output = await settlementCsv(job.params as { month: string; by: 'clerk' | 'store' })
      change = { done: 1, created: 1, output }
    } else if (isDataExport(job.kind)) {
      change = await exportStep(job as JobDoc & { kind: DataExportKind })
    } else if (job.kind === 'issueCouponsCsv') {
      const part = job.file && 'parts' in job.file ? job.file.parts : 0
      const batch = await couponIssueBatch(ctx, job, JOB_BATCH_SIZE)
      // Set, not added: a batch redone after a lost lease overwrites its own part.
      await fileParts().set(partIdOf(job._id, part), { jobId: job._id, part, csv: batch.csv })
      change = {
        done: job.done + batch.count,
        created: job.created + batch.issued,
        skipped: job.skipped + batch.notIssued,
        file: { filename: couponResultFilename(job._id), parts: part + 1 },
      }
    } else if (job.kind === 'importStock') {
      const batch = await stockBatch(ctx, job)
      change = {
        done: job.done + batch.count,
        created: job.created + batch.created,
        skipped: job.skipped + batch.skipped,
        ...(batch.errors.length ? { errors: [...job.errors, ...batch.errors] } : {}),
      }
    } else {
      const batch = await importBatch(ctx, job)
      change = {
        done: job.done + batch.count,
        created: job.created + batch.created,
        skipped: job.skipped + batch.skipped,
      }
      if (change.done === job.total && job.kind === 'importClerks') {
        change.output = await inviteList(job)
        const parts = (job.rows as ClerkJobRow[]).map((r) => ({
          key: r.line,
          name: `海报/${posterFileName('导购邀请', r.storeCode, r.name)}`,
        }))
        change.file = await storeArchive(ctx, job, `导购邀请-${job._id}.zip`, parts, [
          { name: '导购邀请清单.csv', data: Buffer.from(change.output.csv, 'utf8') },
        ])
      }
    }
    const finished = change.done === (change.total ?? job.total)
    const next: Partial<JobDoc> = {
      ...change,
      updatedAt: now,
      leaseId: null,
      leaseUntil: new Date(0),
      ...(finished ? { status: 'succeeded', finishedAt: now } : {}),
    }
    // A step that outlived its lease records nothing: the stepper that took over redoes the batch, idempotently.
    await jobs().updateIf(
      { _id: job._id, leaseId },
      {
        ...next,
        // Objects and arrays are replaced whole (set), not merged key by key.
        ...(next.output ? { output: _.set(next.output) } : {}),
        ...(next.file ? { file: _.set(next.file) } : {}),
        ...(next.errors ? { errors: _.set(next.errors) } : {}),
      },
    )
    return writerView({ ...job, ...next })
  } catch (err) {
    // A refusal (a clerk disabled meanwhile, say) ends the job with its reason; anything else is retried by the next step.
    const refused =
      err instanceof AppError
        ? {
            status: 'failed',
            finishedAt: now,
            errors: _.set([{ line: 0, field: err.field ?? '', reason: err.message }]),
          }
        : {}
    await jobs().updateIf(
      { _id: job._id, leaseId },
      { leaseId: null, leaseUntil: new Date(0), ...refused },
    )
    throw err
  }
}

/**
 * Timer: steps running jobs, oldest first, batch after batch until the run's time budget is spent,
 * so jobs finish after the console is closed. A job someone else is stepping is left to them.
 */
export async function stepRunningJobs(ctx: InvocationContext): Promise<{ stepped: number }> {
  const started = Date.now()
  const running = await jobs().find(
    { status: 'running' },
    { orderBy: ['createdAt', 'asc'], fields: ['_id'], limit: TIMER_JOBS_PER_RUN },
  )
  let stepped = 0
  for (const { _id } of running) {
    let lastDone = -1
    for (;;) {
      if (Date.now() - started > TIMER_BUDGET_MS) return { stepped }
      const view = await stepJob(ctx, _id).catch((err: Error) => {
        process.stderr.write(
          `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, jobId: _id, error: err.message })}\n`,
        )
        return null
      })
      stepped++
      if (!view || view.status !== 'running' || view.done === lastDone) break
      lastDone = view.done
    }
  }
  return { stepped }
}

/** The list leaves out what can be large (the rows, the file) but keeps whether a file is there. */
const LIST_FIELDS = Object.fromEntries(
  [
    'kind',
    'title',
    'status',
    'total',
    'done',
    'created',
    'skipped',
    'errors',
    'createdBy',
    'createdAt',
    'updatedAt',
    'finishedAt',
    'params',
    'leaseId',
    'leaseUntil',
    'output.filename',
    'file',
    'filesExpiredAt',
  ].map((f) => [f, true]),
)

/** A job as the list reads it (LIST_FIELDS: a nested projection, so through the SDK's query). */
type ListedJob = Omit<JobDoc, 'rows' | 'output' | 'file'> & {
  output?: { filename: string } | null
  file?: { filename: string } | null
}

function listedView(j: ListedJob, actor: Actor) {
  return viewOf(
    {
      ...j,
      rows: [],
      output: j.output ? { filename: j.output.filename, csv: '' } : null,
      file: j.file ? { filename: j.file.filename, fileId: '' } : null,
    },
    actor,
  )
}

export async function listJobs(input: Input<'listJobs'>, reader: JobReader) {
  const where = reader.owner === null ? {} : { createdBy: reader.owner }
  const { actor } = reader
  const [page, total] = await Promise.all([
    jobs()
      .raw.where(where)
      .orderBy('createdAt', 'desc')
      .field(LIST_FIELDS)
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    jobs().count(where),
  ])
  const listed: ListedJob[] = page.data
  return {
    items: listed.map((j) => listedView(j, actor)),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

/**
 * One job as the list shows it (progress, status, what may be done next), without its file or
 * rows: what a notification polls while an export it started runs. One read of the list's fields;
 * not audited (nothing personal is shown; `job`, which hands out the file, is).
 */
export async function jobProgress(input: Input<'jobProgress'>, reader: JobReader) {
  const found = await jobs().raw.where({ _id: input.jobId }).field(LIST_FIELDS).limit(1).get()
  const job = (found.data as ListedJob[])[0]
  if (!job || !readableBy(job, reader)) throw new AppError('NOT_FOUND', '任务不存在', 'jobId')
  return listedView(job, reader.actor)
}

export async function jobDetail(input: Input<'job'>, reader: JobReader) {
  const job = await getJob(input.jobId)
  if (!readableBy(job, reader)) throw new AppError('NOT_FOUND', '任务不存在', 'jobId')
  const { actor } = reader
  return {
    ...viewOf(job, actor),
    allErrors: job.errors,
    output: job.filesExpiredAt ? null : job.output,
    // A ZIP in storage (posters) answers a short-lived address; a data export, its part count.
    file:
      job.status !== 'succeeded' || !job.file || job.filesExpiredAt
        ? null
        : 'fileId' in job.file
          ? { filename: job.file.filename, url: await ports().storage.url(job.file.fileId) }
          : { filename: job.file.filename, parts: job.file.parts },
  }
}

/** File names inside a store's poster archive, in the order the job drew them. */
async function posterNames(
  job: JobDoc,
  storeId: string,
): Promise<{ storeCode: string; parts: { key: number; name: string }[] }> {
  const rows = job.rows as PosterRow[]
  const _ = database().command
  const [store, clerks] = await Promise.all([
    collection(COLLECTIONS.stores).get(storeId),
    collection(COLLECTIONS.clerks).find(
      { _id: _.in(rows.filter((r) => r.kind === 'clerk').map((r) => r.id)) },
      { limit: 1000, fields: ['name', 'code'] },
    ),
  ])
  const code = store?.code ?? storeId
  const storeName = store?.name ?? ''
  const byId = new Map(clerks.map((c) => [c._id, c]))
  return {
    storeCode: code,
    parts: rows.map((row, key) => {
      const clerk = byId.get(row.id)
      return {
        key,
        name:
          row.kind === 'store'
            ? posterFileName('门店海报', code, storeName)
            : posterFileName('导购海报', code, clerk?.name ?? '', clerk?.code ?? ''),
      }
    }),
  }
}

// ------------------------------------------------------------------ files past their retention

/** Days a finished job's files are kept, unless HQ's settings (`settings/jobFiles`) say otherwise. */
export const DEFAULT_JOB_FILE_RETENTION_DAYS = 7
export const JOB_FILES_SETTINGS_ID = 'jobFiles'
const EXPIRE_BATCH = 50
/** A claim older than this without its deletion recorded died midway: the next run finishes it. */
const PURGE_RETRY_MS = 10 * 60_000

/** HQ's retention days (1–365, the contract checks): the next hourly run applies them. */
export async function setJobFileRetentionDays(
  retentionDays: number,
): Promise<{ retentionDays: number }> {
  await collection(COLLECTIONS.settings).set(JOB_FILES_SETTINGS_ID, { retentionDays })
  return { retentionDays }
}

export async function jobFileRetentionDays(): Promise<number> {
  const stored = await collection(COLLECTIONS.settings).get(JOB_FILES_SETTINGS_ID)
  const days = stored?.retentionDays
  return typeof days === 'number' && Number.isInteger(days) && days >= 1
    ? days
    : DEFAULT_JOB_FILE_RETENTION_DAYS
}

/** What a job left in storage (its ZIP and the posters drawn for it) and its export parts. */
function filesOf(job: JobDoc): { storage: string[]; parts: string[] } {
  const storage: string[] = []
  if (job.file && 'fileId' in job.file && job.file.fileId) storage.push(job.file.fileId)
  if (job.kind === 'exportPosters')
    job.rows.forEach((_row, i) => storage.push(partPath(job._id, i)))
  if (job.kind === 'importClerks')
    for (const row of job.rows as ClerkJobRow[]) storage.push(partPath(job._id, row.line))
  const parts =
    job.file && 'parts' in job.file
      ? Array.from({ length: job.file.parts }, (_p, i) => partIdOf(job._id, i))
      : []
  return { storage, parts }
}

async function purgeFiles(job: JobDoc, now: Date): Promise<void> {
  const { storage, parts } = filesOf(job)
  if (storage.length) await ports().storage.remove(storage)
  if (parts.length) await fileParts().removeWhere({ _id: database().command.in(parts) })
  await jobs().updateIf({ _id: job._id, filesPurgedAt: null }, { filesPurgedAt: now })
}

/**
 * Timer (`expireJobFiles`, hourly): the files of jobs finished more than the retention days ago
 * (exports' parts, poster and invite ZIPs, the posters drawn for them, a settlement or invite
 * list kept on the job) are deleted; the job stays in the list, saying its file expired.
 *
 * Guarantee: each job's files expire exactly once. A job is claimed by a conditional update
 * (`filesExpiredAt` still unset → now) before anything is deleted, so of two runs at once only one
 * claims it, and from that moment nobody is offered its link; deleting is idempotent and recorded
 * (`filesPurgedAt`) after, so a run that died in between leaves a claimed job that a later run
 * finishes, deleting what is left and nothing else.
 */
export async function expireJobFiles(
  ctx: InvocationContext,
): Promise<{ retentionDays: number; expired: number; purged: number }> {
  const _ = database().command
  const now = ctx.clock.now()
  const retentionDays = await jobFileRetentionDays()
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000)
  const [due, unfinished] = await Promise.all([
    jobs().find(
      { finishedAt: _.lt(cutoff), filesExpiredAt: null },
      { orderBy: ['finishedAt', 'asc'], limit: EXPIRE_BATCH },
    ),
    jobs().find(
      { filesExpiredAt: _.lt(new Date(now.getTime() - PURGE_RETRY_MS)), filesPurgedAt: null },
      { limit: EXPIRE_BATCH },
    ),
  ])
  let expired = 0
  for (const job of due) {
    const claimed = await jobs().updateIf(
      { _id: job._id, filesExpiredAt: null },
      {
        filesExpiredAt: now,
        filesPurgedAt: null,
        // The inline list keeps its name (the list says which file expired), not its content.
        ...(job.output ? { output: _.set({ filename: job.output.filename, csv: '' }) } : {}),
      },
    )
    if (!claimed) continue
    expired++
    await purgeFiles(job, now)
  }
  for (const job of unfinished) await purgeFiles(job, now)
  return { retentionDays, expired, purged: expired + unfinished.length }
}
