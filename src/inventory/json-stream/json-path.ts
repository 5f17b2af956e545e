/** One step of a JSON path: an object member name or an array index. */
export type JsonPathSegment = string | number;

const PLAIN_NAME = /^[A-Za-z_$][\w$]*$/;

/** `$.hosts[3].software[7]`, the form errors show for JSON inputs that have no useful line numbers. */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_NAME.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
