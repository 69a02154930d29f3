/**
 * Values a function instance keeps between invocations. On CloudBase an instance serves many
 * calls, so a setting read at most once a minute costs one round trip a minute, not one a call.
 */

/**
 * A value read at most once a minute per function instance (by the invocation's clock);
 * concurrent callers share one read, and a failed read is not kept. A clock that went back (the
 * local stack's /dev/clock) reads again, so a value read "in the future" is not kept for hours.
 */
export function readEveryMinute<T>(read: () => Promise<T>): (now: Date) => Promise<T> {
  let cached: { value: Promise<T>; readAt: number } | undefined
  return (now) => {
    const age = cached ? now.getTime() - cached.readAt : Infinity
    if (!cached || age < 0 || age >= 60_000) {
      const value = read()
      const entry = { value, readAt: now.getTime() }
      cached = entry
      value.catch(() => {
        if (cached === entry) cached = undefined
      })
    }
    return cached.value
  }
}
