import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../api/client.js';

interface Problem {
  severity?: string;
  code?: string;
  message: string;
  line?: number;
  column?: number;
  path?: string;
}

interface ApplyResult {
  id?: string;
  banId?: string;
  revision?: number;
  status?: string;
  [key: string]: unknown;
}

function problemKey(p: Problem): string {
  return [p.path, p.line, p.column, p.code, p.message].join('\u0000');
}

/** The problems the server reported, each once: a repeated one would say nothing new. */
function problemsOf(error: ApiError): Problem[] {
  const body = error.body as { problems?: Problem[]; error?: { problems?: Problem[] } } | null;
  const problems = body?.problems ?? body?.error?.problems ?? [];
  return [...new Map(problems.map((p) => [problemKey(p), p])).values()];
}

/** Edits a ban file as YAML and applies it: a changed file becomes a new revision. */
export function BanFileForm({
  initial,
  submitLabel,
  onSaved,
  onCancel,
}: {
  initial: string;
  submitLabel: string;
  onSaved: (id: string, result: ApplyResult) => void;
  onCancel: () => void;
}) {
  const [yaml, setYaml] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const helpId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      const result = await api.post<ApplyResult>('/api/v1/bans', { yaml });
      const id = result.banId ?? result.id ?? (/^id:\s*(\S+)/m.exec(yaml)?.[1] || '');
      onSaved(id, result);
    } catch (caught) {
      if (caught instanceof ApiError) {
        setProblems(problemsOf(caught));
        setError(caught.message);
      } else {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit}>
      {error ? (
        <div className="alert alert-error" role="alert" id={errorId}>
          <p>
            <strong>The ban was not applied.</strong> {error}
          </p>
          {problems.length > 0 ? (
            <ul className="problems">
              {problems.map((p) => (
                <li key={problemKey(p)}>
                  {p.line ? (
                    <span className="mono">
                      line {p.line}
                      {p.column ? `:${p.column}` : ''}{' '}
                    </span>
                  ) : null}
                  {p.code ? <code>{p.code}</code> : null} {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="ban-yaml">Ban file (YAML)</label>
        <p id={helpId} className="help">
          Every change is stored as a new revision with its author and time; the old revision stays readable.
        </p>
        <textarea
          id="ban-yaml"
          className="code-input"
          rows={22}
          spellCheck={false}
          value={yaml}
          onChange={(e) => setYaml(e.target.value)}
          aria-describedby={error ? `${helpId} ${errorId}` : helpId}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
