/**
 * The reference: @y/websocket-server 0.1.1 (in-memory, no persistence) on an http server +
 * ws WebSocketServer, port from PORT (0 = any). Prints `reference: listening on PORT`.
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'
import './ipc-hook.ts'

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('reference y-websocket server\n')
})
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
wss.on('connection', (conn, req) => {
  // Room = the last path segment, like y-websocket's `${serverUrl}/${room}`.
  const docName = new URL(req.url ?? '/', 'http://localhost').pathname.split('/').filter(Boolean).pop() ?? 'default'
  setupWSConnection(conn, req, { docName })
})
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
})
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  console.log(`reference: listening on ${port}`)
})
const stop = () => {
  for (const c of wss.clients) c.terminate()
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
