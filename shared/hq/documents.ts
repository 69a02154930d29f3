/** hq: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */

export type AdminRole = 'hq-admin' | 'analyst'

export type JobKind = 'importStores' | 'importClerks' | 'exportSettlement' | 'transferMembers'

/**
 * A long HQ operation. Imports are validated in full when the job is created (a file with errors
 * becomes a `failed` job with its row errors and writes nothing); then each step takes the lease,
 * imports the next batch of `rows` from `done`, and moves `done` on.
 */
export interface JobDoc {
  _id: string
  kind: JobKind
  status: 'running' | 'succeeded' | 'failed'
  /** What HQ sees in the 任务 list, e.g. the uploaded file's name. */
  title: string
  createdBy: string
  createdAt: Date
  updatedAt: Date
  finishedAt: Date | null
  total: number
  done: number
  /** Rows written by this job, and rows that already existed (a resumed batch, or a code already in use). */
  created: number
  skipped: number
  /** importStores: StoreImportRow[]; importClerks: ClerkImportRow[] with storeId; empty for exports. */
  rows: unknown[]
  /** exportSettlement: `{ month, by }`; transferMembers: `{ fromClerkId, toClerkId, reason }`. */
  params: Record<string, unknown>
  errors: { line: number; field: string; reason: string }[]
  /** A file the job produced (the export, or the imported clerks' invites), for the console to download. */
  output: { filename: string; csv: string } | null
  /** Who is stepping the job now; a step takes the lease with a conditional update, so batches never overlap. */
  leaseId: string | null
  leaseUntil: Date
}

/** One Asia/Shanghai day's dashboard figures for one store (`*`: all stores), rebuilt by the rollup timer. */
export interface DailyStatsDoc {
  /** `<day>_<storeId>` */
  _id: string
  /** `2026-03-02` */
  day: string
  storeId: string
  /** Members whose card was opened that day, by the store that opened it. */
  newMembers: number
  /** Online orders paid that day (gross: refunds are counted on the day they succeed). */
  onlineOrders: number
  onlineSalesFen: number
  offlineSales: number
  offlineSalesFen: number
  /** Order refunds that succeeded that day. */
  refundsFen: number
  pointsIssued: number
  /** Points spent on gifts less points returned by cancelled redemptions. */
  pointsRedeemed: number
  /** Commission booked on that day's sales (before any refund). */
  commissionAccruedFen: number
  /** Commission taken back by that day's refunds (inside or after the refund window). */
  commissionReversedFen: number
  /** When this day was last recomputed (on the all-stores document only). */
  computedAt?: Date
}

/** `settings/dailyStatsRollup`: how far the rollup has got, and the run under way. */
export interface DailyStatsRollupState {
  _id: string
  /** Every event stamped before this (less the lookback) is in the rollup. */
  watermark: Date | null
  /** A run still going: it recomputes `nextDay`…`lastDay`, then moves the watermark to `startedAt`. */
  run: { startedAt: Date; nextDay: string; lastDay: string } | null
}

export interface AdminSession {
  adminId: string
  username: string
  role: AdminRole
}

/** An HQ console account. */
export interface AdminDoc {
  _id: string
  username: string
  passwordHash: string
  role: AdminRole
  failedAttempts: number
  lockedUntil: Date | null
  createdAt: Date
}

/** A console session: the token is stored only as its hash. */
export interface AdminSessionDoc {
  _id: string
  tokenHash: string
  adminId: string
  username: string
  role: AdminRole
  expiresAt: Date
  createdAt: Date
}

/** One audited console action. */
export interface AuditDoc {
  _id: string
  at: Date
  username: string | null
  action: string
  details: unknown
  outcome: string
  requestId: string
}

/**
 * The settings collection: one document per concern, by `_id` (`attribution`, `campaigns`, the
 * points and commission rules, the daily stats state). A domain reading its own settings
 * document declares a typed view of this collection for it (`defineCollection`).
 */
export interface SettingsDoc {
  _id: string
  [field: string]: unknown
}

/** A scheduled job's last run (`_id` = the job's name). */
export interface JobRunDoc {
  _id: string
  /** The slot (epoch ms) this job last ran for. */
  slotMs: number
  runs: number
  startedAt: Date
  finishedAt?: Date
  outcome: 'running' | 'ok' | 'failed' | 'timeout'
  durationMs?: number
  error?: string
}
