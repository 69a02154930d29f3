/**
 * The floor for the gateway benchmark: an HTTP server on loopback that parses the SDK's request
 * like the gateway does and answers a fixed `modifyDocument` reply without touching any data.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action?: string }
    const reply = JSON.stringify({ requestId: 'noop', action: body.action, data: { updated: 1 } })
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(reply),
    })
    res.end(reply)
  })
})
server.keepAliveTimeout = 65_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ listening: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`,
  )
})
