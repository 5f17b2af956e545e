/**
 * The one catalogue of errors appban can show, on the CLI or over HTTP. Codes are stable: scripts
 * match on them. `docs/errors.md` lists every code and a test keeps the two in step.
 */
export const ERROR_CATALOGUE = {
  // Usage and operation (CLI exit 2)
  USAGE: { status: 400, summary: 'The command line or request is not valid.' },
  FILE_NOT_FOUND: {
    status: 404,
    summary: 'A file named on the command line does not exist or cannot be read.',
  },
  NOT_FOUND: { status: 404, summary: 'The object asked for does not exist or is not visible to the caller.' },
  INTERNAL: { status: 500, summary: 'An unexpected failure; details are logged, never shown.' },
  DATABASE: { status: 503, summary: 'The database could not be reached or refused the operation.' },
  CONFIG_INVALID: { status: 500, summary: 'A configuration value is missing or malformed.' },
  AUTH_REQUIRED: { status: 401, summary: 'The request needs a session or an API token.' },
  AUTH_FAILED: { status: 401, summary: 'The username, password or token is wrong, expired or revoked.' },
  FORBIDDEN: { status: 403, summary: 'The caller may see this object but not change it.' },
  CSRF_FAILED: { status: 403, summary: 'A session request that changes something lacks its CSRF token.' },
  RATE_LIMITED: { status: 429, summary: 'Too many requests; wait and try again.' },
  CONFLICT: { status: 409, summary: 'The object already exists or is in a state that forbids the change.' },

  // Ban files (CLI exit 1)
  BAN_YAML_SYNTAX: { status: 422, summary: 'The ban file is not well-formed YAML.' },
  BAN_NOT_A_MAPPING: { status: 422, summary: 'The ban file does not hold one YAML mapping.' },
  BAN_UNKNOWN_FIELD: { status: 422, summary: 'A field the ban schema does not define.' },
  BAN_MISSING_FIELD: { status: 422, summary: 'A required field is absent.' },
  BAN_INVALID_VALUE: {
    status: 422,
    summary: 'A field has the wrong type or a value outside its allowed set.',
  },
  BAN_NO_TARGETS: { status: 422, summary: 'The ban names no app or publisher.' },
  BAN_UNKNOWN_APP: { status: 422, summary: 'A target names an app the catalog does not know.' },
  BAN_UNKNOWN_PUBLISHER: { status: 422, summary: 'A target names a publisher the catalog does not know.' },
  BAN_INVALID_DATE: { status: 422, summary: 'A date is not a real calendar date in YYYY-MM-DD form.' },
  BAN_INVALID_DURATION: {
    status: 422,
    summary: 'A duration is not an ISO 8601 duration such as P6M or P30D.',
  },
  BAN_END_BEFORE_START: { status: 422, summary: 'The ban ends before it starts.' },
  BAN_REVIEW_BEFORE_START: { status: 422, summary: 'The review date is before the start.' },
  BAN_PERIOD_TOO_SHORT: { status: 422, summary: 'The end comes before start plus the minimum duration.' },
  BAN_EXCEPTION_INCOMPLETE: { status: 422, summary: 'An exception lacks its reason, approver or expiry.' },
  BAN_EXCEPTION_OUTLIVES_BAN: { status: 422, summary: 'Warning: an exception expires after the ban ends.' },
  BAN_EXCEPTION_BEFORE_BAN: { status: 422, summary: 'An exception expires before it starts.' },
  BAN_DUPLICATE_ID: { status: 422, summary: 'Two bans, exceptions or targets share one id.' },
  BAN_NOTHING_ENFORCEABLE: {
    status: 422,
    summary: 'Warning: a target has no identifier confident enough to enforce.',
  },

  // Catalog and precedents
  CATALOG_INVALID: { status: 500, summary: 'A catalog data file is malformed (a defect in appban itself).' },
  UNKNOWN_APP_OR_PUBLISHER: { status: 404, summary: 'No app or publisher has this id.' },
  PRECEDENT_INVALID: {
    status: 500,
    summary: 'A precedent data file is malformed (a defect in appban itself).',
  },
  UNKNOWN_PRECEDENT: { status: 404, summary: 'No precedent has this id.' },

  // Enforcement
  UNKNOWN_TARGET: { status: 404, summary: 'No enforcement target has this name.' },
  TARGET_NOT_APPLICABLE: {
    status: 422,
    summary: 'The ban has nothing this target can enforce (no identifiers for its platform).',
  },

  // Inventory
  UNKNOWN_FORMAT: {
    status: 422,
    summary: 'The inventory format could not be recognised or is not supported.',
  },
  PARSE_ERROR: { status: 422, summary: 'An inventory file is malformed; nothing from it was imported.' },
  UNSAFE_XML: { status: 422, summary: 'An XML or plist file declares entities or external references.' },
  INPUT_TOO_LARGE: { status: 413, summary: 'An input exceeds the size limit.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** JSON path or field path where no line is known, e.g. `$.hosts[3].software` */
  path?: string;
}

export class AppbanError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly location: ErrorLocation | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; location?: ErrorLocation } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppbanError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.location = options.location;
  }

  /** `file:line:col: error CODE: message`, the form editors and CI logs understand. */
  format(): string {
    return `${formatLocation(this.location)}error ${this.code}: ${this.message}`;
  }
}

export function formatLocation(location: ErrorLocation | undefined): string {
  if (!location?.file) return '';
  let where = location.file;
  if (location.line !== undefined) {
    where += `:${location.line}`;
    if (location.column !== undefined) where += `:${location.column}`;
  } else if (location.path) {
    where += `:${location.path}`;
  }
  return `${where}: `;
}

export function isAppbanError(error: unknown): error is AppbanError {
  return error instanceof AppbanError;
}
