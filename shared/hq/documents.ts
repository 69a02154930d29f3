/** hq: shapes of the stored documents. Dates are Date (UTC); money is integer fen; points integers. */
import type { HqRole } from './rules/roles'

/** A console role (rules/roles.ts); accounts stored earlier as `hq-admin` read as `admin`. */
export type AdminRole = HqRole

export type JobKind =
  | 'importStores'
  | 'importClerks'
  | 'importStock'
  | 'exportSettlement'
  | 'exportOrders'
  | 'exportMembers'
  | 'exportOfflineSales'
  | 'transferMembers'
  | 'exportPosters'
  | 'issueCouponsCsv'

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
  /**
   * importStores: StoreImportRow[]; importClerks: ClerkImportRow[] with storeId; issueCouponsCsv:
   * `{ line, memberNo, memberId }`; empty for exports.
   */
  rows: unknown[]
  /**
   * exportSettlement: `{ month, by }`; transferMembers: `{ fromClerkId, toClerkId, reason,
   * fromStoreId? }` (fromStoreId: only the members still at that store, for a clerk's move);
   * exportPosters: `{ storeId }`; issueCouponsCsv: `{ templateId }`.
   */
  params: Record<string, unknown>
  errors: { line: number; field: string; reason: string }[]
  /** A file the job produced (the export), for the console to download. */
  output: { filename: string; csv: string } | null
  /**
   * A file the job made: a ZIP it put in storage (the imported clerks' invites with their
   * posters, or a store's posters; the parts a step renders go to storage too, under `parts/`),
   * or a file too large for one document (the data exports), written a batch at a time into
   * `jobFileParts` (`<jobId>:<part>`) and joined by the console; `parts` counts those written.
   */
  file?: { filename: string; fileId: string } | { filename: string; parts: number } | null
  /** Data exports: where the next batch starts (after this `<epoch ms>.<id>`). */
  cursor?: string | null
  /**
   * When the job's files (storage, export parts, the inline output) were declared expired, after
   * HQ's retention days (`expireJobFiles`); null or missing while they are kept.
   */
  filesExpiredAt?: Date | null
  /** When their deletion finished (a run that died between the two is finished by the next). */
  filesPurgedAt?: Date | null
  /** Who is stepping the job now; a step takes the lease with a conditional update, so batches never overlap. */
  leaseId: string | null
  leaseUntil: Date
}

/** One batch of a data export's file (`_id` = `<jobId>:<part>`); the parts joined in order are the file. */
export interface JobFilePartDoc {
  _id: string
  jobId: string
  part: number
  csv: string
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
  /** A store manager's stores (empty for the other roles, who see every store). */
  storeIds: string[]
}

/** An HQ console account. */
export interface AdminDoc {
  _id: string
  username: string
  /** The name people see in lists and the audit log (the user name when not given). */
  displayName?: string
  passwordHash: string
  /** `hq-admin` in accounts stored before the four roles (read through `roleOf`). */
  role: AdminRole | 'hq-admin'
  /** Missing in accounts stored before statuses: active. */
  status?: 'active' | 'disabled'
  /** storeManager: the stores the account sees. */
  storeIds?: string[]
  failedAttempts: number
  lockedUntil: Date | null
  createdAt: Date
  createdBy?: string
  lastLoginAt?: Date
  /** When this admin last changed another account's status (written so such changes conflict). */
  lastAccountChangeAt?: Date
}

/** A console session: the token is stored only as its hash; role and stores as at sign-in. */
export interface AdminSessionDoc {
  _id: string
  tokenHash: string
  adminId: string
  username: string
  role: AdminRole | 'hq-admin'
  storeIds?: string[]
  expiresAt: Date
  createdAt: Date
}

/** One audited console action (append-only). */
export interface AuditDoc {
  _id: string
  at: Date
  adminId: string | null
  username: string | null
  action: string
  /** `write` (changes data), `read` (personal data shown), `signIn` (sign-in and out); missing in older entries. */
  kind?: 'write' | 'read' | 'signIn'
  /** What the action was given (passwords and file contents left out). */
  details: Record<string, unknown>
  /** `ok` or the refusal's code. */
  outcome: string
  /** The refusal's Chinese message, as the person was shown it. */
  message?: string
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
