import { AppbanError, formatLocation, isAppbanError } from '../lib/errors.js';

/** Exit codes of the CLI contract (DESIGN.md): 0 ok, 1 input or fleet not compliant, 2 usage or operation. */
export const EXIT = { ok: 0, notCompliant: 1, error: 2 } as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal, so progress may be drawn on it. */
  isTTY: boolean;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

export interface GlobalOptions {
  json?: boolean;
  db?: string;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Errors as the contract prints them: `file:line:col: error CODE: message`, or JSON with `--json`. */
export function reportError(io: Io, error: unknown, json: boolean): number {
  const appban = isAppbanError(error)
    ? error
    : new AppbanError('INTERNAL', 'unexpected failure; rerun with APPBAN_DEBUG=1 for details', {
        cause: error,
      });
  if (json) {
    printJson(io, { error: { code: appban.code, message: appban.message, ...locationFields(appban) } });
  } else {
    io.stderr(`${appban.format()}\n`);
  }
  if (!isAppbanError(error) && process.env.APPBAN_DEBUG === '1')
    io.stderr(`${String((error as Error)?.stack)}\n`);
  return appban.code.startsWith('BAN_') ? EXIT.notCompliant : EXIT.error;
}

function locationFields(error: AppbanError) {
  const l = error.location;
  if (!l) return {};
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined));
}

export { formatLocation };

/** Who a CLI change is recorded as in the audit log: the login running the command. */
export function cliActor(): string {
  return process.env.USER ? `cli:${process.env.USER}` : 'cli';
}
