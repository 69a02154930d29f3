/** The clock port: services never call Date.now() directly, so tests can move time. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

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
