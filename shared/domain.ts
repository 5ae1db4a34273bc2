import { AppError } from './errors'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/** Trims and lower-cases a district domain, or explains why it is refused. */
export function normalizeDomain(input: string): string {
  const domain = input.trim().toLowerCase().replace(/\.$/, '')

  if (!isDnsName(domain)) {
    throw new AppError(
      'INVALID_DOMAIN',
      `"${input.trim()}" does not look like a domain name such as fooisd.org.`,
    )
  }

  return domain
}

/** True for a name with at least two labels and a letter-only last label. */
export function isDnsName(name: string): boolean {
  if (name.length > 253) return false

  const labels = name.split('.')
  const last = labels[labels.length - 1] ?? ''
  if (labels.length < 2 || !/^[a-z]{2,63}$/.test(last)) return false

  return labels.every((label) => LABEL.test(label))
}

/** A 6-digit Texas county-district number: county 001 to 254 first. */
export function isCountyDistrictNumber(value: string): boolean {
  if (!/^\d{6}$/.test(value)) return false

  const county = Number(value.slice(0, 3))
  return county >= 1 && county <= 254
}

/** Checks an HH:MM time of day. */
export function isTimeOfDay(value: string): boolean {
  const match = /^(\d{2}):(\d{2})$/.exec(value)
  if (!match) return false

  return Number(match[1]) < 24 && Number(match[2]) < 60
}
