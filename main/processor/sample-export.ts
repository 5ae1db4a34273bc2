import fs from 'node:fs/promises'
import path from 'node:path'
import { STAND_IN_COLUMNS } from './stand-in-layout'

/**
 * Writes a stand-in export file with made-up students, for the practice
 * server, the demo and the tests. Names and numbers are invented; nothing
 * here is student data.
 */

export interface SampleOptions {
  readonly records: number
  readonly countyDistrict?: string
  /** Share of records that are withdrawn students, as the real export includes them. */
  readonly withdrawnShare?: number
}

const LAST = [
  'Garcia',
  'Nguyen',
  'Smith',
  'Hernandez',
  'Johnson',
  'Lopez',
  'Williams',
  'Martinez',
]
const FIRST = [
  'Ana',
  'Ben',
  'Carmen',
  'Diego',
  'Elena',
  'Frank',
  'Grace',
  'Hector',
  'Iris',
  'Jose',
]

/** The stand-in export's text, CRLF line endings, header first. */
export function sampleExportText({
  records,
  countyDistrict = '015907',
  withdrawnShare = 0.05,
}: SampleOptions): string {
  const lines = [STAND_IN_COLUMNS.join('\t')]

  for (let i = 0; i < records; i++) {
    const last = LAST[i % LAST.length] ?? 'Doe'
    const first = FIRST[(i * 7) % FIRST.length] ?? 'Sam'
    const withdrawn = i % Math.max(1, Math.round(1 / withdrawnShare)) === 0
    const born = new Date(Date.UTC(2008 + (i % 12), i % 12, 1 + (i % 28)))
    const dob = `${String(born.getUTCMonth() + 1).padStart(2, '0')}/${String(born.getUTCDate()).padStart(2, '0')}/${born.getUTCFullYear()}`
    lines.push(
      [
        String(100000 + i).padStart(9, '0'),
        last,
        first,
        i % 3 === 0 ? 'Lee' : '',
        dob,
        i % 2 === 0 ? 'F' : 'M',
        withdrawn ? 'WITHDREW' : 'ENROLLED',
        String((i % 12) + 1).padStart(2, '0'),
        `${countyDistrict}${String(1 + (i % 9)).padStart(3, '0')}`,
        last,
        i % 2 === 0 ? 'Maria' : 'Luis',
        i % 4 === 0 ? 'Father' : 'Mother',
        `512-555-${String(i % 10000).padStart(4, '0')}`,
      ].join('\t'),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

/** Writes `TxEISStudent_<cdn>.txt` into a folder and returns its path. */
export async function writeSampleExport(
  folder: string,
  options: SampleOptions,
): Promise<string> {
  const file = path.join(
    folder,
    `TxEISStudent_${options.countyDistrict ?? '015907'}.txt`,
  )

  await fs.mkdir(folder, { recursive: true })
  await fs.writeFile(file, sampleExportText(options))
  return file
}
