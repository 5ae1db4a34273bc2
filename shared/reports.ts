import type { Fingerprints } from './fingerprint'
import type { ErrorData } from './errors'
import type {
  DistrictSettings,
  RunRecord,
  UploadMode,
} from './settings-schema'
import type { ExportCheckReport, TransferReport } from './upload-reports'
import type {
  ForeignEpoch,
  LeftoverEpoch,
  ResultRows,
} from './status-reports'

/** Plain results the services return; both the CLI and the wizard show them. */

export interface KeyView extends Fingerprints {
  readonly domain: string
  readonly publicKey: string
  readonly type: 'rsa' | 'ed25519'
  readonly bits: number
  readonly comment: string
  readonly privateKeyFile: string
  readonly publicKeyFile: string
  /** `current` is the key in use; `pending` waits for its first login. */
  readonly role?: 'current' | 'pending'
  readonly source?: 'generated' | 'imported'
  readonly importedFrom?: string
  readonly encrypted?: boolean
  readonly createdAt?: string
}

/** Steps 1 and 2: the keys a district has and what became of sharing. */
export interface KeyState {
  readonly current: KeyView | null
  readonly pending: KeyView | null
  /** The key SameGoal still has to receive: pending, else current. */
  readonly toShare: KeyView | null
  readonly shared?: DistrictSettings['keyShared']
  readonly mailto?: string
  readonly usableUnattended: boolean
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
  /** What the read-only look found: epochs waiting and processed. */
  readonly pendingEpochs?: number
  readonly processedEpochs?: number
  /** When the latest processed epoch was processed, as the server dates it. */
  readonly lastProcessedAt?: string
  /** The district's proxy, password hidden, when one is used. */
  readonly proxy?: string
}

/** One beat of the key-sync wait, for the countdown. */
export interface KeyWaitTick {
  readonly domain: string
  readonly attempt: number
  /** The code the last attempt ended with. */
  readonly lastCode: string
  readonly nextAttemptAt: string
  readonly deadline: string
  readonly secondsToNext: number
  readonly secondsLeft: number
}

export type EpochState =
  | 'pending'
  | 'processed'
  | 'failed'
  | 'processed-with-problems'
  | 'missing'
  | 'stuck'

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
  /** Processing facts added later: counts, mode, waiting time. */
  readonly mode?: 'epoch' | 'direct'
  readonly exportRecords?: number
  readonly rows?: ResultRows
  readonly pendingHours?: number
  /** Doubts about a processed epoch, such as far fewer students than sent. */
  readonly warnings?: readonly string[]
}

export interface StatusReport {
  readonly domain: string
  readonly epochs: readonly EpochStatus[]
  readonly latest?: EpochStatus
  readonly checkedAt?: string
  /** Epochs in the account this product did not upload. */
  readonly foreign?: readonly ForeignEpoch[]
  /** How many foreign epochs there are in all (the list keeps the latest). */
  readonly foreignCount?: number
  /** Epochs without COMPLETE older than a day: left by a crashed run. */
  readonly leftovers?: readonly LeftoverEpoch[]
}

export interface ExportPreview {
  readonly folder: string
  readonly pattern: string
  readonly file?: string
  readonly bytes?: number
  readonly modifiedAt?: string
  /** The checks the file passed, or the refusal it would meet tonight. */
  readonly checks?: ExportCheckReport
  readonly refusal?: ErrorData
}

export interface UploadResult {
  readonly domain: string
  /** The epoch written; absent in direct mode, where the server makes it. */
  readonly epoch?: string
  readonly file: string
  readonly remotePath: string
  readonly bytes: number
  readonly durationMs: number
  readonly record: RunRecord
  readonly mode?: UploadMode
  readonly records?: number
  readonly retries?: number
  readonly throughputBps?: number
  readonly transfer?: TransferReport
  readonly warnings?: readonly string[]
}

export interface DistrictView {
  readonly settings: DistrictSettings
  readonly lastRun?: RunRecord
}

export type UploadProgress = {
  readonly domain: string
  readonly phase:
    'check' | 'connect' | 'upload' | 'verify' | 'complete' | 'retry'
  readonly bytesSent: number
  readonly bytesTotal: number
  /** Bytes per second over the last few seconds, while uploading. */
  readonly rateBps?: number
  readonly attempt?: number
}
