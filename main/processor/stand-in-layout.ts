/**
 * A stand-in for the Ascender "Special Ed/Student Export" layout. The real
 * field layout is not public, so the practice server, the sample generator
 * and the test processor agree on this one instead: tab-delimited, one
 * header row, CRLF line endings. It is labelled as a stand-in wherever it
 * is shown and is never used to judge a real district's file.
 */

export const STAND_IN_COLUMNS = [
  'StudentId',
  'LastName',
  'FirstName',
  'MiddleName',
  'BirthDate',
  'Gender',
  'Enrollment',
  'Grade',
  'Campus',
  'GuardianLastName',
  'GuardianFirstName',
  'GuardianRelationship',
  'GuardianPhone',
] as const

export type StandInColumn = (typeof STAND_IN_COLUMNS)[number]

export const STAND_IN_LABEL =
  'Stand-in layout for practice only: the real Ascender export layout is not public.'
