/**
 * HQ's long operations as jobs: CSV imports of stores and clerks, and the settlement export. A job
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
import { type AdminSession } from '../hq/documents'
import { moveClerkMembers, transferClerks } from './transfer-members'
import { getStore } from '../staff/lookups'
import { settlementCsv } from '../commission/commission-service'
import type { Actor } from '../platform/lifecycle'
import { jobStatusLabel, nextJobActions } from '../hq/lifecycle'

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
function viewOf(job: JobDoc, actor: Actor): z.infer<typeof jobView> {
  const hasOutput = Boolean(job.output) || (job.status === 'succeeded' && Boolean(job.file))
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
    createdBy: job.createdBy,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  }
}

/** What a write answers with: only HQ's admins write (an analyst is refused before the service). */
const writerView = (job: JobDoc) => viewOf(job, 'hq-admin')

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
  const id = await jobs().insert(job)
  return { _id: id, ...job }
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

/** Orders, members or offline sales to a CSV file, a batch per step (see flows/hq-exports.ts). */
export async function createDataExport(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createDataExport'>,
) {
  const { kind, ...filter } = input
  if (filter.from && filter.to && filter.from > filter.to)
    throw new AppError('INVALID_INPUT', '开始日期不能晚于结束日期', 'from')
  const params: DataExportParams = {
    ...filter,
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
  const part = job.file?.parts ?? 0
  const batch = await exportBatch(
    job.kind,
    job.params as unknown as DataExportParams,
    job.cursor ?? null,
  )
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

/** One part of a data export's file; a file with full phone numbers only for a role that may see them. */
export async function jobFilePart(input: Input<'jobFile'>, session: AdminSession) {
  const job = await getJob(input.jobId)
  if (!job.file || job.status !== 'succeeded')
    throw new AppError('CONFLICT', '文件还没有生成完，请稍后再下载', 'jobId')
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
            invite.expiresAt.toISOString(),
          ],
        ]
      : []
  })
  return {
    filename: `clerk-invites-${job._id}.csv`,
    csv: toCsv(['门店编码', '姓名', '店长', '邀请码', '有效期至'], body),
  }
}

/**
 * One step of a job under its lease. Returns the job as it stands; a step that finds the job
 * leased by another stepper (or finished) changes nothing.
 */
export async function stepJob(
  ctx: InvocationContext,
  jobId: string,
): Promise<z.infer<typeof jobView>> {
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
      const params = job.params as { fromClerkId: string; toClerkId: string; reason: string }
      const batch = await moveClerkMembers(
        ctx,
        job.createdBy,
        { ...(await transferClerks(params)), reason: params.reason },
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
    } else if (job.kind === 'exportSettlement') {
      const output = await settlementCsv(job.params as { month: string; by: 'clerk' | 'store' })
      change = { done: 1, created: 1, output }
    } else if (isDataExport(job.kind)) {
      change = await exportStep(job as JobDoc & { kind: DataExportKind })
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
      if (change.done === job.total && job.kind === 'importClerks')
        change.output = await inviteList(job)
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
  ].map((f) => [f, true]),
)

/** A job as the list reads it (LIST_FIELDS: a nested projection, so through the SDK's query). */
type ListedJob = Omit<JobDoc, 'rows' | 'output'> & { output?: { filename: string } | null }

export async function listJobs(input: Input<'listJobs'>, actor: Actor) {
  const [page, total] = await Promise.all([
    jobs()
      .raw.orderBy('createdAt', 'desc')
      .field(LIST_FIELDS)
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    jobs().count(),
  ])
  const listed: ListedJob[] = page.data
  return {
    items: listed.map((j) =>
      viewOf(
        {
          ...j,
          rows: [],
          output: j.output ? { filename: j.output.filename, csv: '' } : null,
        },
        actor,
      ),
    ),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export async function jobDetail(input: Input<'job'>, actor: Actor) {
  const job = await getJob(input.jobId)
  return {
    ...viewOf(job, actor),
    allErrors: job.errors,
    output: job.output,
    file: job.status === 'succeeded' && job.file ? job.file : null,
  }
}
