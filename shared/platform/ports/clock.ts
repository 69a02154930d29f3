/** The clock port: services never call Date.now() directly, so tests can move time. */
export interface Clock {
  now(): Date
}

/**
 * The real clock. The local stack can shift it (`POST /dev/clock`, tests) through
 * CLOCK_OFFSET_MS in the host process, so "15 minutes later" is tested without sleeping;
 * on CloudBase the variable is never set.
 */
export const systemClock: Clock = {
  now: () => new Date(Date.now() + (Number(process.env.CLOCK_OFFSET_MS) || 0)),
}

/** A clock tests set and advance by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current.getTime())
  }
  set(at: Date | string): void {
    this.current = new Date(at)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}
