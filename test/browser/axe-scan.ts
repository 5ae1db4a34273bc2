import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { PROJECT_ROOT } from '../harness/cli'

/**
 * Runs axe-core in the page. The wizard's Content-Security-Policy forbids
 * inline scripts, so axe is evaluated through the debugging protocol rather
 * than added as a script tag; the policy stays as strict as in the app.
 */

const AXE = path.join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js')

export interface Violation {
  readonly id: string
  readonly impact: string
  readonly help: string
  readonly targets: readonly string[]
}

/** The serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  const loaded = await page.evaluate(() => 'axe' in window)
  if (!loaded) await page.evaluate(fs.readFileSync(AXE, 'utf8'))

  const all = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeLike }).axe
    const result = await axe.run(document, {
      // Preloading fetches the stylesheets, which the policy's connect-src
      // rightly blocks; the rules that matter read the live styles anyway.
      preload: false,
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }))
  })
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

interface AxeLike {
  run(
    context: Document,
    options: unknown,
  ): Promise<{
    violations: {
      id: string
      impact?: string
      help: string
      nodes: { target: string[] }[]
    }[]
  }>
}
