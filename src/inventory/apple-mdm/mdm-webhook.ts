import { Readable } from 'node:stream';
import { AppbanError, isAppbanError } from '../../lib/errors.js';
import { FieldReader, isObject } from '../amapi/json-fields.js';
import { readJsonEvents } from '../amapi/json-records.js';

/**
 * A device's command response as delivered by a MicroMDM or NanoMDM webhook: a JSON event
 * `{ "topic": "mdm.Connect", "created_at", "acknowledge_event": { "udid", "status",
 * "command_uuid", "raw_payload" } }` whose `raw_payload` is the plist, base64-encoded
 * (micromdm/nanomdm service/webhook/event.go). Unlike a bare plist, it says when the answer
 * arrived. A file may hold one event or many, one per line, as webhook receivers log them.
 */
export interface WebhookResponse {
  plist: Buffer;
  /** ISO 8601 UTC, from `created_at`. */
  receivedAt: string | undefined;
  /** JSON path of `raw_payload`, for errors inside the decoded plist. */
  path: string;
}

export async function* readWebhookResponses(bytes: Buffer, file: string): AsyncGenerator<WebhookResponse> {
  for await (const event of readJsonEvents(Readable.from([bytes]), { file, multipleDocuments: true })) {
    if (event.type !== 'document' || !isObject(event.value)) continue;
    const record = new FieldReader(file, event.path, event.value);
    const acknowledge = record.object('acknowledge_event');
    const payload = acknowledge?.string('raw_payload');
    if (acknowledge === undefined || payload === undefined) continue;
    const path = `${acknowledge.path}.raw_payload`;
    if (!/^[A-Za-z0-9+/=\s]*$/.test(payload)) {
      throw new AppbanError('PARSE_ERROR', `"raw_payload" is not base64 (at ${path})`, {
        location: { file, path },
      });
    }
    yield { plist: Buffer.from(payload, 'base64'), receivedAt: record.instant('created_at'), path };
  }
}

/** Errors inside a decoded payload point at the JSON path that held it, with the plist's line. */
export function relocatePayloadError(error: unknown, file: string, path: string): unknown {
  if (!isAppbanError(error) || error.location?.file !== file || error.location.path !== undefined)
    return error;
  const line = error.location.line;
  const where = line === undefined ? path : `${path} (line ${line} of the decoded plist)`;
  return new AppbanError(error.code, `${error.message} (in ${where})`, {
    location: { file, path },
    cause: error,
  });
}

export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes.subarray(0, 1024)) {
    if (
      byte === 0x20 ||
      byte === 0x09 ||
      byte === 0x0a ||
      byte === 0x0d ||
      byte === 0xef ||
      byte === 0xbb ||
      byte === 0xbf
    ) {
      continue;
    }
    return byte === 0x7b;
  }
  return false;
}
