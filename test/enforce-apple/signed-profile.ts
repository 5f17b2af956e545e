/**
 * The XML plist inside a signed .mobileconfig (CMS SignedData in BER, as Jamf and other MDMs export
 * it). The signed content is a constructed OCTET STRING of indefinite length (0x24 0x80) whose
 * chunks (primitive OCTET STRINGs, tag 0x04) are cut at fixed sizes, even mid-tag, so the chunks
 * must be joined before the XML can be read. Only what the sample needs: no signature checks.
 */
export function signedProfileContent(der: Uint8Array): string {
  const xmlStart = indexOf(der, Buffer.from('<?xml'));
  if (xmlStart < 0) throw new Error('no XML plist in the signed profile');
  // The first chunk header sits right before the XML; the constructed string's header before it.
  const start = [2, 3, 4, 5]
    .map((size) => xmlStart - size)
    .find((at) => der[at] === 0x04 && der[at - 2] === 0x24);
  if (start === undefined) throw new Error('the XML is not inside a chunked OCTET STRING');
  const parts: Uint8Array[] = [];
  let at = start;
  while (der[at] === 0x04) {
    const { length, headerSize } = readLength(der, at + 1);
    parts.push(der.subarray(at + 1 + headerSize, at + 1 + headerSize + length));
    at += 1 + headerSize + length;
  }
  if (der[at] !== 0x00 || der[at + 1] !== 0x00)
    throw new Error('the chunked OCTET STRING does not end with 00 00');
  return Buffer.concat(parts).toString('utf8');
}

function readLength(der: Uint8Array, at: number): { length: number; headerSize: number } {
  const first = der[at] ?? 0;
  if (first < 0x80) return { length: first, headerSize: 1 };
  const bytes = first & 0x7f;
  let length = 0;
  for (let i = 1; i <= bytes; i++) length = length * 256 + (der[at + i] ?? 0);
  return { length, headerSize: 1 + bytes };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle);
}
