import { startSshd } from '/work/main/test/harness/openssh-server'
import { startFaultProxy } from '/work/main/test/harness/fault-proxy'
import { makeDistrict } from '/work/main/test/upload/upload-setup'
import { runUpload } from '/work/main/main/services/upload-run'
import fs from 'node:fs'
const server = await startSshd({ accounts: ['dbgisd.org'] })
const delay = Number(process.argv[2] ?? 0)
const proxy = await startFaultProxy({ targetPort: server.port, delayMs: delay })
const d = await makeDistrict({ domain: 'dbgisd.org', port: proxy.port, hostKeySha256: server.hostKeySha256(), run: {settleMs: 0, stallMs: 60000} })
server.authorize('dbgisd.org', d.publicKey)
d.writeExport(Number(process.argv[3] ?? 105000))
const t0 = Date.now()
const r = await runUpload(d.ctx, 'dbgisd.org')
console.log(r.transfer, r.bytes, Date.now() - t0)
for (const f of fs.readdirSync(d.ctx.layout.runLogsDir)) console.log(fs.readFileSync(d.ctx.layout.runLogsDir + '/' + f, 'utf8').split('\n').map(l => { try { const j = JSON.parse(l); return (j.time - t0) + ' ' + j.msg + ' ' + (j.phase ?? '') } catch { return '' } }).join('\n'))
await proxy.close(); await server.stop(); d.cleanup()
