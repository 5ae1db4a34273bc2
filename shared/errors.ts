/**
 * Every failure a user can meet, as data: a stable code, the exit code the
 * CLI returns for it, a plain title and a "what to do" line. The codes and
 * exit numbers are relied on by scripts outside the project: add new ones,
 * never rename or renumber.
 */

export const ExitCode = {
  Success: 0,
  Internal: 1,
  InvalidInput: 2,
  ConnectionFailed: 3,
  HostKey: 4,
  AuthRefused: 5,
  TransferFailed: 6,
  NothingToUpload: 7,
  RunInProgress: 8,
  ProcessingFailed: 9,
  StatusTimeout: 10,
  ScheduleFailed: 11,
  FleetAttention: 12,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

interface ErrorText {
  readonly exitCode: ExitCodeValue
  readonly title: string
  readonly whatToDo: string
}

const E = ExitCode

/** The one table of user-facing error text. */
export const errorCatalog = {
  INTERNAL: {
    exitCode: E.Internal,
    title: 'Something unexpected went wrong',
    whatToDo:
      'Try again. If it keeps happening, send the log file to your support contact.',
  },
  USAGE: {
    exitCode: E.InvalidInput,
    title: 'The command was not understood',
    whatToDo: 'Run the command with --help to see what it accepts.',
  },
  INVALID_INPUT: {
    exitCode: E.InvalidInput,
    title: 'A value given is not valid',
    whatToDo: 'Correct the value named in the message and try again.',
  },
  INVALID_DOMAIN: {
    exitCode: E.InvalidInput,
    title: 'The district domain is not valid',
    whatToDo:
      'Use the district\u2019s domain as SameGoal gave it (usually its email domain, for example fooisd.org).',
  },
  UNKNOWN_DISTRICT: {
    exitCode: E.InvalidInput,
    title: 'No such district is set up',
    whatToDo:
      'Check the domain, or add the district first with "district add".',
  },
  DISTRICT_EXISTS: {
    exitCode: E.InvalidInput,
    title: 'This district is already set up',
    whatToDo:
      'Open it from the district list to change it (on the command line: district set), or pick another domain.',
  },
  INVALID_SETTINGS: {
    exitCode: E.InvalidInput,
    title: 'A settings file could not be read',
    whatToDo:
      'The file named in the message is damaged. Correct it or restore it from a backup; for a district\u2019s district.json you can also remove the district and add it again.',
  },
  NO_KEY: {
    exitCode: E.InvalidInput,
    title: 'This district has no keypair yet',
    whatToDo: 'Generate or import a keypair for the district first (step 1).',
  },
  INVALID_KEY: {
    exitCode: E.InvalidInput,
    title: 'The key file could not be used',
    whatToDo:
      'Choose a private key file in OpenSSH, PEM or PuTTY format, or generate a new keypair.',
  },
  KEY_EXISTS: {
    exitCode: E.InvalidInput,
    title: 'This district already has a keypair',
    whatToDo:
      'Use the existing key, or pass --replace to make a new one (the current key stays in use until the new one has connected).',
  },
  KEY_IS_PUBLIC: {
    exitCode: E.InvalidInput,
    title: 'This is a public key, not a private key',
    whatToDo:
      'Choose the private key file (usually the same name without .pub, or the .ppk file), or generate a new keypair.',
  },
  KEY_TYPE_UNSUPPORTED: {
    exitCode: E.InvalidInput,
    title: 'This kind of key cannot be used',
    whatToDo:
      'Use an RSA key of 2048 bits or more, or an Ed25519 key. Generating a new keypair here is the simplest way.',
  },
  KEY_CIPHER_UNSUPPORTED: {
    exitCode: E.InvalidInput,
    title: 'The key is encrypted in a way this program cannot read',
    whatToDo:
      'Save the key again without a passphrase or with a common cipher (for example: ssh-keygen -p -f FILE), then import it again.',
  },
  KEY_PASSPHRASE_NEEDED: {
    exitCode: E.InvalidInput,
    title: 'The key is protected by a passphrase',
    whatToDo:
      'Enter the key\u2019s passphrase (on the command line: --passphrase-stdin).',
  },
  KEY_PASSPHRASE_INCORRECT: {
    exitCode: E.InvalidInput,
    title: 'Incorrect passphrase',
    whatToDo:
      'Type the passphrase again, exactly as it was set (it is case-sensitive).',
  },
  NO_PENDING_KEY: {
    exitCode: E.InvalidInput,
    title: 'No new key is waiting',
    whatToDo:
      'The district uses its current key. Generate or import a key to start a change of key.',
  },
  KEY_NOT_UNATTENDED: {
    exitCode: E.InvalidInput,
    title: 'The key needs a person to unlock it',
    whatToDo:
      'A key with a passphrase cannot be used by the nightly run. Generate a key without a passphrase for this district.',
  },
  DNS_NOT_FOUND: {
    exitCode: E.ConnectionFailed,
    title: 'The server name was not found',
    whatToDo:
      'Check the host name (normally sftp.samegoal.com) and that this computer can look up internet names.',
  },
  CONNECTION_REFUSED: {
    exitCode: E.ConnectionFailed,
    title: 'The server refused the connection',
    whatToDo:
      'Check the host and port (normally sftp.samegoal.com, port 22). Nothing is listening at the address used.',
  },
  NO_ANSWER: {
    exitCode: E.ConnectionFailed,
    title: 'The server did not answer',
    whatToDo:
      'A firewall is probably blocking outgoing connections to the SFTP port (22 for SameGoal). Ask your network team to allow SFTP to the SameGoal server.',
  },
  NO_SSH_GREETING: {
    exitCode: E.ConnectionFailed,
    title: 'Something answered, but it is not an SFTP server',
    whatToDo:
      'A proxy or inspection device may be intercepting the SFTP port (22 for SameGoal). Ask your network team to let SSH through unchanged.',
  },
  HANDSHAKE_FAILED: {
    exitCode: E.ConnectionFailed,
    title: 'The secure connection could not be set up',
    whatToDo:
      'The server and this computer share no encryption method, or the link broke during setup. Send the diagnostic report to SameGoal.',
  },
  CONNECTION_LOST: {
    exitCode: E.ConnectionFailed,
    title: 'The connection dropped',
    whatToDo: 'Check the network and try again.',
  },
  SFTP_UNAVAILABLE: {
    exitCode: E.ConnectionFailed,
    title: 'The server does not offer SFTP',
    whatToDo:
      'Check the host name. SameGoal\u2019s server only offers SFTP, so another server may be answering.',
  },
  NO_COMMON_ALGORITHMS: {
    exitCode: E.ConnectionFailed,
    title: 'The server and this computer share no secure method',
    whatToDo:
      'The server offers only methods this program does not use (or only SHA-1 RSA signatures). Send the diagnostic report to SameGoal; an Ed25519 key may help.',
  },
  PROXY_FAILED: {
    exitCode: E.ConnectionFailed,
    title: 'The proxy did not let the connection through',
    whatToDo:
      'Check the district\u2019s proxy address (Server and proxy in step 3, or district set --proxy URL / --proxy none), and ask your network team to allow the SFTP port (22 for SameGoal) through it.',
  },
  SERVER_NOT_RESPONDING: {
    exitCode: E.ConnectionFailed,
    title: 'The server stopped responding',
    whatToDo:
      'The connection was open but the server went silent. Try again in a few minutes; if it keeps happening, send the diagnostic report to SameGoal.',
  },
  HOST_KEY_UNTRUSTED: {
    exitCode: E.HostKey,
    title: 'The server\u2019s identity is not confirmed yet',
    whatToDo:
      'Compare the fingerprint shown with the one SameGoal gives you, then trust it (check --trust-host-key FINGERPRINT).',
  },
  HOST_KEY_CHANGED: {
    exitCode: E.HostKey,
    title: 'The server\u2019s identity has changed',
    whatToDo:
      'Nothing was sent. Call SameGoal to confirm the new fingerprint before trusting it with check --trust-host-key.',
  },
  AUTH_REFUSED: {
    exitCode: E.AuthRefused,
    title: 'The server refused the key',
    whatToDo:
      'If the public key was sent to SameGoal less than 60 minutes ago, wait and try again. Otherwise check the domain and that SameGoal installed this key.',
  },
  AUTH_METHOD_UNSUPPORTED: {
    exitCode: E.AuthRefused,
    title: 'The server does not accept keys for this account',
    whatToDo:
      'The server only offered password logins. Check the host name; SameGoal accepts keys only.',
  },
  KEY_WAIT_EXPIRED: {
    exitCode: E.AuthRefused,
    title: 'The key still does not work after waiting',
    whatToDo:
      'Email tier2help@samegoal.com from your work address with the .pub file attached, naming the district and the key fingerprint shown, and ask them to install it.',
  },
  REMOTE_FOLDER_MISSING: {
    exitCode: E.TransferFailed,
    title: 'A folder on the server is missing or unreadable',
    whatToDo:
      'The account should have /upload and /upload-processed. Ask SameGoal to check the account.',
  },
  UPLOAD_NOT_PERMITTED: {
    exitCode: E.TransferFailed,
    title: 'The server did not allow writing to /upload',
    whatToDo:
      'Ask SameGoal to check the account\u2019s permissions on /upload.',
  },
  EPOCH_EXISTS: {
    exitCode: E.TransferFailed,
    title: 'The upload folder already exists on the server',
    whatToDo:
      'A folder with the same name is there already (perhaps from an interrupted run). Run the upload again; it picks a new name.',
  },
  TRANSFER_FAILED: {
    exitCode: E.TransferFailed,
    title: 'The upload did not finish',
    whatToDo:
      'Nothing was marked complete, and the partial file was removed where the server allowed it. Run the upload again; if it fails the same way, ask SameGoal whether the account\u2019s disk or quota is full.',
  },
  VERIFY_FAILED: {
    exitCode: E.TransferFailed,
    title: 'The uploaded file did not match',
    whatToDo:
      'The server holds a different size than the local file. Nothing was marked complete. Run the upload again.',
  },
  NETWORK_STALLED: {
    exitCode: E.TransferFailed,
    title: 'The network stalled during the upload',
    whatToDo:
      'Nothing was marked complete. Check the network link to the server, then run the upload again.',
  },
  UPLOAD_CANCELLED: {
    exitCode: E.TransferFailed,
    title: 'The upload was cancelled',
    whatToDo:
      'Nothing was marked complete, so SameGoal will not process a partial file. Run the upload again when ready.',
  },
  NO_EXPORT_FOLDER: {
    exitCode: E.NothingToUpload,
    title: 'The export folder does not exist',
    whatToDo:
      'Set the export folder where Ascender writes the export: in step 4 of the wizard, or with district set --export-dir on the command line.',
  },
  NO_EXPORT_FILE: {
    exitCode: E.NothingToUpload,
    title: 'No export file was found',
    whatToDo:
      'Check that Ascender wrote the Special Ed/Student Export into the export folder, and that the file name pattern matches it.',
  },
  EXPORT_EMPTY: {
    exitCode: E.NothingToUpload,
    title: 'The export file is empty',
    whatToDo:
      'Run the Ascender export again; it must include all students of the district.',
  },
  EXPORT_INVALID: {
    exitCode: E.NothingToUpload,
    title: 'The export file does not look right',
    whatToDo:
      'Open the file named in the message and check it is the Ascender Special Ed/Student Export, then run the export again.',
  },
  EXPORT_NOT_READY: {
    exitCode: E.NothingToUpload,
    title: 'The export file is still being written',
    whatToDo:
      'Wait until Ascender finishes writing the export, then run the upload again.',
  },
  EXPORT_STALE: {
    exitCode: E.NothingToUpload,
    title: 'The export file is old',
    whatToDo:
      'The Ascender export did not run recently. Run it again, or send this file anyway once with upload --allow-stale.',
  },
  EXPORT_RECORD_DROP: {
    exitCode: E.NothingToUpload,
    title: 'The export has far fewer records than last time',
    whatToDo:
      'The export must include all students, withdrawn ones too, not only special-ed or 504 students. Fix the export, or send it anyway once with upload --allow-drop.',
  },
  PRE_EXPORT_FAILED: {
    exitCode: E.NothingToUpload,
    title: 'The command that makes the export failed',
    whatToDo:
      'Read the run log for the command\u2019s output, fix the command in the district\u2019s settings, then run the upload again.',
  },
  RUN_IN_PROGRESS: {
    exitCode: E.RunInProgress,
    title: 'Another upload for this district is running',
    whatToDo: 'Wait for it to finish; only one run per district at a time.',
  },
  PROCESSING_FAILED: {
    exitCode: E.ProcessingFailed,
    title: 'SameGoal could not process the latest upload',
    whatToDo:
      'Read the error text shown, fix the export, and upload again. Contact SameGoal if the error is unclear.',
  },
  STATUS_TIMEOUT: {
    exitCode: E.StatusTimeout,
    title: 'SameGoal has not processed the upload yet',
    whatToDo:
      'Processing can take several hours depending on the time of day. Check again later.',
  },
  EPOCH_MISSING: {
    exitCode: E.ProcessingFailed,
    title: 'The uploaded epoch is no longer on the server',
    whatToDo:
      'It is in neither /upload nor /upload-processed. Ask SameGoal whether they received it, then upload again.',
  },
  EPOCH_STUCK: {
    exitCode: E.FleetAttention,
    title: 'SameGoal has not processed an upload for a long time',
    whatToDo:
      'The epoch has waited far longer than SameGoal usually takes. Contact SameGoal support and name the epoch.',
  },
  DISTRICT_STALE: {
    exitCode: E.FleetAttention,
    title: 'No processed upload for this district recently',
    whatToDo:
      'Check that the nightly task runs (last run shown) and that its uploads get processed; run an upload now to test.',
  },
  FLEET_ATTENTION: {
    exitCode: E.FleetAttention,
    title: 'One or more districts need attention',
    whatToDo:
      'Look at the districts marked failed, unreachable, stuck or stale; each shows its own code and what to do.',
  },
  BUNDLE_INVALID: {
    exitCode: E.InvalidInput,
    title: 'The settings file could not be imported',
    whatToDo:
      'Choose a file made with "district export". Nothing was imported.',
  },
  BUNDLE_PASSPHRASE: {
    exitCode: E.InvalidInput,
    title: 'The passphrase does not open the settings file',
    whatToDo:
      'Type the passphrase chosen when the file was exported. Nothing was imported.',
  },
  ALERT_EMAIL_FAILED: {
    exitCode: E.ConnectionFailed,
    title: 'The alert email could not be sent',
    whatToDo:
      'Check the mail server, port, user and password in the alert settings, then send a test email.',
  },
  SCHEDULER_UNAVAILABLE: {
    exitCode: E.ScheduleFailed,
    title: 'The system scheduler could not be used',
    whatToDo:
      'The scheduler tool named in the message is missing or not working on this computer. Install or start it, then run schedule install again.',
  },
  SCHEDULE_ACCESS_DENIED: {
    exitCode: E.ScheduleFailed,
    title: 'Not allowed to register the nightly task',
    whatToDo:
      'Run the wizard or the command as an administrator (Windows: "Run as administrator"), then install the schedule again.',
  },
  SCHEDULE_LOGON_REFUSED: {
    exitCode: E.ScheduleFailed,
    title: 'The nightly task could not be set to run while logged off',
    whatToDo:
      'The account needs the "Log on as a batch job" right (Local Security Policy > User Rights Assignment), and with --logon password the password must be correct. Fix that, then install the schedule again.',
  },
  SCHEDULE_FAILED: {
    exitCode: E.ScheduleFailed,
    title: 'The nightly schedule could not be registered',
    whatToDo:
      'Read the details for the scheduler’s own message, fix the cause, then run schedule install again.',
  },
  PRACTICE_REAL_HOST: {
    exitCode: E.InvalidInput,
    title: 'A practice district stays on the practice server',
    whatToDo:
      'Practice districts only talk to the practice server on this computer. Add the real district separately, with its own domain.',
  },
  PRACTICE_NOT_SCHEDULED: {
    exitCode: E.InvalidInput,
    title: 'A practice district has no nightly schedule',
    whatToDo:
      'Practice districts are for rehearsing the steps. Set up the real district to schedule its nightly upload.',
  },
  PRACTICE_PORT_IN_USE: {
    exitCode: E.InvalidInput,
    title: 'The practice server’s port is taken',
    whatToDo:
      'Another program already listens on that port. Start the practice server with another --port (or --port 0 for any free one).',
  },
  SETTINGS_TOO_NEW: {
    exitCode: E.InvalidInput,
    title: 'The settings were written by a newer version',
    whatToDo:
      'Update this program on this computer to the version that wrote the file (or newer). The file was left as it is.',
  },
  PATH_UNUSABLE: {
    exitCode: E.InvalidInput,
    title: 'A file or folder could not be used',
    whatToDo:
      'Check the path named in the message: a folder must be a folder, its parent must exist, and this account must be allowed to write there (not read-only, disk not full). Or choose another path, for example with --home.',
  },
  SCHEDULED_RUN_FAILED: {
    exitCode: E.Internal,
    title: 'The nightly command failed',
    whatToDo:
      'Read the command\u2019s output and its run log under logs/runs/, fix the cause, then run it again. The JSON field exitCode is the command\u2019s own exit code.',
  },
} as const satisfies Record<string, ErrorText>

export type ErrorCode = keyof typeof errorCatalog

/** True for a code in the catalog (one read back from a file, say). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalog, code)
}

/** The serialisable form of an error, as it crosses IPC and appears in JSON. */
export interface ErrorData {
  readonly code: ErrorCode
  readonly message: string
  readonly title: string
  readonly whatToDo: string
  readonly exitCode: ExitCodeValue
  readonly details?: string
  readonly extra?: Readonly<Record<string, unknown>>
}

/** A failure the user can act on; `details` keeps the raw cause apart. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: string | undefined
  readonly extra: Readonly<Record<string, unknown>> | undefined

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      details?: string
      extra?: Record<string, unknown>
      cause?: unknown
    } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.details = options.details ?? causeText(options.cause)
    this.extra = options.extra
  }

  get exitCode(): ExitCodeValue {
    return errorCatalog[this.code].exitCode
  }
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined) return undefined

  if (cause instanceof Error) return cause.message
  return String(cause)
}

/** Turns any thrown value into error data, keeping unknown causes as INTERNAL. */
export function toErrorData(error: unknown): ErrorData {
  const appError =
    error instanceof AppError
      ? error
      : new AppError('INTERNAL', 'An unexpected error occurred.', {
          cause: error,
        })
  const text = errorCatalog[appError.code]

  return {
    code: appError.code,
    message: appError.message,
    title: text.title,
    whatToDo: text.whatToDo,
    exitCode: text.exitCode,
    ...(appError.details === undefined ? {} : { details: appError.details }),
    ...(appError.extra === undefined ? {} : { extra: appError.extra }),
  }
}

/** Rebuilds an AppError from data that crossed a process boundary. */
export function fromErrorData(data: ErrorData): AppError {
  return new AppError(data.code, data.message, {
    ...(data.details === undefined ? {} : { details: data.details }),
    ...(data.extra === undefined ? {} : { extra: { ...data.extra } }),
  })
}
