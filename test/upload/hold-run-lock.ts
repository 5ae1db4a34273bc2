import { acquireLock } from '../../main/services/file-lock'
import { HomeLayout } from '../../main/services/home'

// Takes a district's run lock the way an upload does, says so, and holds
// it until killed: a stand-in for a run that hangs or crashes.
const [home, domain] = process.argv.slice(2) as [string, string]
await acquireLock(new HomeLayout(home).runLockTarget(domain), {
  waitMs: 0,
  staleMs: 60_000,
})
process.stdout.write('locked\n')
setInterval(() => undefined, 60_000)
