/** Serves a built front end (H5 app, HQ console) from a folder, with an index.html fallback. */
import { createReadStream, existsSync, statSync } from 'node:fs'
import type http from 'node:http'
import path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

/** Returns false when it did not answer (no such folder), so the caller can fall through. */
export function serveStatic(
  root: string,
  urlPath: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: { fallback?: boolean } = {},
): boolean {
  if (!existsSync(root)) return false
  let relative: string
  try {
    relative = decodeURIComponent(urlPath)
  } catch {
    res.writeHead(400).end('bad path')
    return true
  }
  const resolvedRoot = path.resolve(root)
  let file = path.resolve(resolvedRoot, `.${relative}`)
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) {
    res.writeHead(403).end('forbidden')
    return true
  }
  if (!existsSync(file) || statSync(file).isDirectory()) {
    const index = path.join(file, 'index.html')
    // Client-side routes fall back to the app's index.html; missing assets stay 404.
    file = existsSync(index)
      ? index
      : options.fallback !== false && path.extname(file) === ''
        ? path.join(resolvedRoot, 'index.html')
        : file
  }
  if (!existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found')
    return true
  }
  const ext = path.extname(file)
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    // Hashed assets may be cached; the entry page must be fetched fresh to pick up a new build.
    'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
  return true
}
