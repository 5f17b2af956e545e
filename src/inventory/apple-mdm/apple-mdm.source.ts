import { AppbanError } from '../../lib/errors.js';
import { readPlist } from '../safe-xml/plist-reader.js';
import { MAX_PLIST_BYTES, observedAtFallback, readBounded } from '../safe-xml/source-input.js';
import type { InventorySnapshot, InventorySource, ParseInput, ParseOptions } from '../snapshot.types.js';
import { readCommandResponse } from './command-response.js';
import { looksLikeJson, readWebhookResponses, relocatePayloadError } from './mdm-webhook.js';

/**
 * Apple MDM `InstalledApplicationList` (and `ManagedApplicationList`) command responses: one
 * XML plist per file, as a device sends it, or MicroMDM/NanoMDM webhook events that carry it.
 *
 * When was it observed? A plist response has no timestamp. appban takes the webhook's
 * `created_at` when there is one, otherwise the file's modification time (an MDM server that
 * writes responses to disk writes them as they arrive), and for input that is not a file on disk
 * (an HTTP upload) the moment of import, which for a push is when the answer arrived.
 *
 * Binary plists are refused with the command that converts them. XML is checked by
 * `assertSafeXml` before parsing: a DOCTYPE other than Apple's, any entity or external
 * reference is UNSAFE_XML.
 */
export const appleMdmSource: InventorySource = {
  name: 'apple-mdm',
  title: 'Apple MDM InstalledApplicationList responses (plist, or MicroMDM/NanoMDM webhook JSON)',

  sniff(head: string, fileName: string): number {
    if (head.startsWith('bplist')) return /\.plist$/i.test(fileName) ? 0.5 : 0.3;
    if (/<plist[\s>]/.test(head)) {
      if (head.includes('<key>InstalledApplicationList</key>')) return 0.95;
      if (head.includes('<key>ManagedApplicationList</key>')) return 0.9;
      if (head.includes('<key>CommandUUID</key>') && head.includes('<key>Status</key>')) return 0.5;
      return 0.1;
    }
    if (/^\s*\{/.test(head) && head.includes('"acknowledge_event"') && head.includes('"raw_payload"'))
      return 0.8;
    return 0;
  },

  // The `--source` label is kept by the importer; a snapshot's `source` names the format.
  async *parse(input: ParseInput, _options: ParseOptions): AsyncIterable<InventorySnapshot> {
    const file = input.path;
    const source = 'apple-mdm';
    const bytes = await readBounded(input.open(), file, MAX_PLIST_BYTES);

    if (looksLikeJson(bytes)) {
      for await (const response of readWebhookResponses(bytes, file)) {
        try {
          const reading = await readCommandResponse(readPlist(response.plist, file), {
            file,
            source,
            observedAt: async () => response.receivedAt ?? (await observedAtFallback(file)),
          });
          // A webhook log carries answers to every command; only app lists are inventories.
          if (reading.kind === 'inventory') yield reading.snapshot;
        } catch (error) {
          throw relocatePayloadError(error, file, response.path);
        }
      }
      return;
    }

    const reading = await readCommandResponse(readPlist(bytes, file), {
      file,
      source,
      observedAt: () => observedAtFallback(file),
    });
    if (reading.kind === 'inventory') {
      yield reading.snapshot;
    } else if (reading.status === 'Acknowledged') {
      throw new AppbanError('PARSE_ERROR', `not an app inventory: ${reading.reason}`, {
        location: { file, line: 1 },
      });
    }
    // NotNow, Error, CommandFormatError or Idle: the device listed nothing, so there is nothing to import.
  },
};
