import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type {
  AdminDoc,
  AdminSessionDoc,
  AuditDoc,
  DailyStatsDoc,
  JobDoc,
  JobFilePartDoc,
  JobRunDoc,
  SettingsDoc,
} from './documents'

/** The hq domain's collections and indexes. */
export const HQ_COLLECTIONS = {
  admins: defineCollection<AdminDoc>({
    name: 'admins',
    indexes: [{ name: 'username', fields: ['username'], unique: true }],
  }),
  adminSessions: defineCollection<AdminSessionDoc>({
    name: 'adminSessions',
    indexes: [
      { name: 'tokenHash', fields: ['tokenHash'], unique: true },
      // A password change removes every session of the account.
      { name: 'adminId', fields: ['adminId'] },
    ],
  }),
  /** Append-only log of every HQ action. */
  auditLog: defineCollection<AuditDoc>({
    name: 'auditLog',
    indexes: [{ name: 'at', fields: ['at'] }],
  }),
  /** Settings HQ can change (points rules, attribution policy), one document per area. */
  settings: defineCollection<SettingsDoc>({ name: 'settings', indexes: [] }),
  /** HQ's long operations (CSV imports, exports), advanced in batches by the console and a timer. */
  jobs: defineCollection<JobDoc>({
    name: 'jobs',
    indexes: [
      { name: 'status', fields: ['status', 'createdAt'] },
      { name: 'createdAt', fields: ['createdAt'] },
    ],
  }),
  /** The parts of a job's large file (data exports), `_id` = `<jobId>:<part>`, read by id. */
  jobFileParts: defineCollection<JobFilePartDoc>({ name: 'jobFileParts', indexes: [] }),
  /**
   * The dashboard's figures per Asia/Shanghai day and store (`_id` = `<day>_<storeId>`, `*` for
   * all stores), written by the `rollupDailyStats` timer so the dashboard never aggregates orders.
   */
  dailyStats: defineCollection<DailyStatsDoc>({
    name: 'dailyStats',
    indexes: [{ name: 'day', fields: ['day', 'storeId'] }],
  }),
  /** The scheduled jobs' last runs, one document per job (`_id` = the job's name; system-jobs.ts). */
  jobRuns: defineCollection<JobRunDoc>({ name: 'jobRuns', indexes: [] }),
} as const satisfies Record<string, CollectionSpec>
