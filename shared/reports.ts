import type { Fingerprints } from './fingerprint'
import type { DistrictSettings, RunRecord } from './settings-schema'

/** Plain results the services return; both the CLI and the wizard show them. */

export interface KeyView extends Fingerprints {
  readonly domain: string
  readonly publicKey: string
  readonly type: 'rsa' | 'ed25519'
  readonly bits: number
  readonly comment: string
  readonly privateKeyFile: string
  readonly publicKeyFile: string
}

export interface ServerKey extends Fingerprints {
  readonly type: string
}

export type CheckPhase =
  | 'resolve'
  | 'connect'
  | 'greet'
  | 'verify-host'
  | 'authenticate'
  | 'open-sftp'
  | 'list-folders'

export interface FolderSummary {
  readonly path: string
  readonly readable: boolean
  readonly epochs: number
  readonly latestEpoch?: string
}

export interface CheckReport {
  readonly domain: string
  readonly host: string
  readonly port: number
  readonly serverKey: ServerKey
  readonly hostKeyPinned: 'existing' | 'new'
  readonly upload: FolderSummary
  readonly uploadProcessed: FolderSummary
  readonly phases: readonly CheckPhase[]
}

export type EpochState =
  'pending' | 'processed' | 'failed' | 'processed-with-problems' | 'missing'

export interface ErrorFileView {
  readonly name: string
  readonly firstLines: readonly string[]
}

export interface EpochStatus {
  readonly epoch: string
  readonly state: EpochState
  readonly location?: '/upload' | '/upload-processed'
  readonly files: readonly string[]
  readonly errorFiles: readonly ErrorFileView[]
  readonly uploadedAt?: string
  readonly exportFile?: string
}

export interface StatusReport {
  readonly domain: string
  readonly epochs: readonly EpochStatus[]
  readonly latest?: EpochStatus
}

export interface ExportPreview {
  readonly folder: string
  readonly pattern: string
  readonly file?: string
  readonly bytes?: number
  readonly modifiedAt?: string
}

export interface UploadResult {
  readonly domain: string
  readonly epoch: string
  readonly file: string
  readonly remotePath: string
  readonly bytes: number
  readonly durationMs: number
  readonly record: RunRecord
}

export interface DistrictView {
  readonly settings: DistrictSettings
  readonly lastRun?: RunRecord
}

export type UploadProgress = {
  readonly domain: string
  readonly phase: 'connect' | 'upload' | 'verify' | 'complete'
  readonly bytesSent: number
  readonly bytesTotal: number
}
