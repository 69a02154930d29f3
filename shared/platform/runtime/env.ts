/** A function's configuration from its environment variables. */
export function requiredEnv(name: string): string {
  const value = process.env[name]
  if (!value) {
    // A deployment mistake, not the caller's: logged with the request id, reported as INTERNAL.
    throw new Error(`environment variable ${name} is not set for this function`)
  }
  return value
}
