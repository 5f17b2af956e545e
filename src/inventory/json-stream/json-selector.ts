import type { Token } from 'stream-json/parser.js';
import type { JsonPathSegment } from './json-path.js';

export type JsonValueType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/**
 * What to do with a value met while descending: build it whole (`assemble`), look inside it for
 * more decisions (`descend`, containers only), or pass over it without building anything (`skip`).
 */
export type JsonDecision = 'assemble' | 'descend' | 'skip';

export type JsonDecide = (path: readonly JsonPathSegment[], type: JsonValueType) => JsonDecision;

export interface SelectedJsonValue {
  path: JsonPathSegment[];
  value: unknown;
}

interface Frame {
  kind: 'object' | 'array';
  mode: JsonDecision;
  /** Where this container sits in its parent; undefined for the root. */
  segment: JsonPathSegment | undefined;
  /** Object: the member being read. */
  key: string | undefined;
  /** Array: the index the next element gets. */
  nextIndex: number;
  container: Record<string, unknown> | unknown[] | undefined;
  assemblyRoot: boolean;
}

/**
 * Turns stream-json's packed tokens into whole values at the paths a caller asks for, keeping
 * only the value being built in memory. Objects are built without a prototype so that a member
 * named `__proto__` stays an ordinary member, as with JSON.parse.
 */
export class JsonSelector {
  private readonly frames: Frame[] = [];
  private rootSeen = false;

  constructor(private readonly decide: JsonDecide) {}

  /** Feeds one token; returns a value when this token completes a selected one. */
  push(token: Token): SelectedJsonValue | undefined {
    switch (token.name) {
      case 'keyValue': {
        const top = this.frames.at(-1);
        if (top) top.key = token.value;
        return undefined;
      }
      case 'startObject':
        return this.open('object');
      case 'startArray':
        return this.open('array');
      case 'endObject':
      case 'endArray':
        return this.close();
      case 'stringValue':
        return this.primitive('string', token.value);
      case 'numberValue':
        return this.primitive('number', Number(token.value));
      case 'nullValue':
        return this.primitive('null', null);
      case 'trueValue':
        return this.primitive('boolean', true);
      case 'falseValue':
        return this.primitive('boolean', false);
      default:
        return undefined;
    }
  }

  /** True while a container is open: input that stops here is truncated. */
  isInsideValue(): boolean {
    return this.frames.length > 0;
  }

  sawRoot(): boolean {
    return this.rootSeen;
  }

  /** Where the reader is now, for error messages. */
  currentPath(): JsonPathSegment[] {
    const path = this.pathTo(undefined);
    const top = this.frames.at(-1);
    if (top?.kind === 'array') path.push(top.nextIndex);
    else if (top?.key !== undefined) path.push(top.key);
    return path;
  }

  private open(kind: 'object' | 'array'): undefined {
    const parent = this.frames.at(-1);
    if (!parent) this.rootSeen = true;
    const segment = parent ? childSegment(parent) : undefined;
    let mode: JsonDecision;
    let assemblyRoot = false;
    if (!parent || parent.mode === 'descend') {
      mode = this.decide(this.pathTo(segment), kind);
      assemblyRoot = mode === 'assemble';
    } else {
      mode = parent.mode;
    }
    let container: Frame['container'];
    if (mode === 'assemble') {
      container = kind === 'object' ? (Object.create(null) as Record<string, unknown>) : [];
      if (!assemblyRoot && parent) attach(parent, segment, container);
    }
    this.frames.push({ kind, mode, segment, key: undefined, nextIndex: 0, container, assemblyRoot });
    return undefined;
  }

  private close(): SelectedJsonValue | undefined {
    const frame = this.frames.pop();
    if (!frame?.assemblyRoot) return undefined;
    return { path: this.pathTo(frame.segment), value: frame.container };
  }

  private primitive(type: JsonValueType, value: unknown): SelectedJsonValue | undefined {
    const parent = this.frames.at(-1);
    if (!parent) {
      this.rootSeen = true;
      return this.decide([], type) === 'assemble' ? { path: [], value } : undefined;
    }
    const segment = childSegment(parent);
    if (parent.mode === 'assemble') {
      attach(parent, segment, value);
      return undefined;
    }
    if (parent.mode === 'skip') return undefined;
    const path = this.pathTo(segment);
    return this.decide(path, type) === 'assemble' ? { path, value } : undefined;
  }

  private pathTo(last: JsonPathSegment | undefined): JsonPathSegment[] {
    const path: JsonPathSegment[] = [];
    for (const frame of this.frames) if (frame.segment !== undefined) path.push(frame.segment);
    if (last !== undefined) path.push(last);
    return path;
  }
}

function childSegment(parent: Frame): JsonPathSegment {
  if (parent.kind === 'array') return parent.nextIndex++;
  return parent.key ?? '';
}

function attach(parent: Frame, segment: JsonPathSegment | undefined, value: unknown): void {
  const container = parent.container;
  if (Array.isArray(container)) container.push(value);
  else if (container && typeof segment === 'string') container[segment] = value;
}
