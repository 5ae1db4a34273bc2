import { openWizard } from '../test/harness/browser'
const w = await openWizard({ viewport: { width: 550, height: 380 }, deviceScaleFactor: 2, practice: { syncDelaySeconds: 0 } })
const p = w.page
const report = async (label: string) => {
  const r = await p.evaluate(() => {
    const W = document.documentElement.clientWidth
    const out: string[] = []
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const b = el.getBoundingClientRect()
      if (b.right > W + 1) out.push(`${el.tagName}.${(el as HTMLElement).className} right=${Math.round(b.right)} w=${Math.round(b.width)}`)
    }
    return { W, sw: document.documentElement.scrollWidth, out: out.slice(0, 8) }
  })
  console.log(label, JSON.stringify(r, null, 1))
}
await report('start')
await p.getByRole('button', { name: 'Practice with a sample district' }).click()
await p.getByRole('heading', { name: /Step 1/ }).waitFor()
await report('step1')
await w.screenshot('debug-zoom-step1')
await w.close()
