// ECDSA signatures in the two encodings (RFC 7518 §3.4): JWS carries r||s,
// each left-padded to the curve's size; OpenSSL produces and expects the DER
// ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }). node:crypto converts
// for us with `dsaEncoding: 'ieee-p1363'`, but that option (any options
// object, in fact) costs ≈ 20–40 µs per call on Node 24, more than the
// signature itself; converting here costs well under 1 µs.

/**
 * Copies the DER INTEGER at der[at] into out[offset, offset + size), left-padded; returns the index after it.
 * Only the minimal, non-negative form of a value below 2^(8·size) is read (X.690 §8.3.2: no leading
 * 0x00 unless the next byte's top bit is set), so one r||s has exactly one DER form.
 */
function readInteger(der: Uint8Array, at: number, size: number, out: Uint8Array, offset: number): number {
  if (der[at] !== 0x02) throw new Error('ECDSA signature: expected a DER INTEGER');
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  const next = start + length;
  // Short-form lengths only (an r or s is at most 67 bytes), never empty, never past the end.
  if (length === 0 || length > 0x7f || next > der.length) throw new Error('ECDSA signature: bad INTEGER length');
  const first = der[start] as number;
  if (first & 0x80) throw new Error('ECDSA signature: negative INTEGER');
  if (first === 0 && length > 1) {
    // A positive INTEGER has one leading zero byte exactly when its top bit is set.
    if (((der[start + 1] as number) & 0x80) === 0) throw new Error('ECDSA signature: non-minimal INTEGER');
    start++;
    length--;
  }
  if (length > size) throw new Error('ECDSA signature: INTEGER larger than the curve');
  const pad = offset + size - length;
  for (let i = offset; i < pad; i++) out[i] = 0;
  for (let i = 0; i < length; i++) out[pad + i] = der[start + i] as number;
  return next;
}

/**
 * Writes the DER signature `der` (as OpenSSL produces it) in JWS form, r||s
 * of `size` bytes each, into `out` at 0. Throws on anything that is not a
 * well-formed, minimal (DER, not BER) ECDSA-Sig-Value for this size.
 */
export function writeP1363(der: Uint8Array, size: number, out: Uint8Array): void {
  if (der[0] !== 0x30) throw new Error('ECDSA signature: expected a DER SEQUENCE');
  // The SEQUENCE length is one byte below 0x80, or 0x81 and one byte from 0x80 (P-521: up to 139).
  const short = (der[1] ?? 0x80) < 0x80;
  if (!short && (der[1] !== 0x81 || (der[2] ?? 0) < 0x80)) throw new Error('ECDSA signature: bad DER length');
  const body = short ? 2 : 3;
  if (der[body - 1] !== der.length - body) throw new Error('ECDSA signature: DER length mismatch');
  const afterR = readInteger(der, body, size, out, 0);
  if (readInteger(der, afterR, size, out, size) !== der.length) {
    throw new Error('ECDSA signature: trailing bytes after s');
  }
}

/** Length of the minimal DER INTEGER content for the unsigned big-endian raw[from, to). */
function integerStart(raw: Uint8Array, from: number, to: number): number {
  let start = from;
  while (start < to - 1 && raw[start] === 0) start++;
  return start;
}

function writeInteger(raw: Uint8Array, start: number, end: number, der: Uint8Array, at: number): number {
  const pad = (raw[start] as number) & 0x80 ? 1 : 0;
  der[at] = 0x02;
  der[at + 1] = end - start + pad;
  let o = at + 2;
  if (pad === 1) der[o++] = 0;
  for (let i = start; i < end; i++) der[o++] = raw[i] as number;
  return o;
}

/**
 * The canonical DER form of the JWS signature `raw` (r||s of `size` bytes
 * each), or undefined when `raw` does not have exactly 2 × size bytes. The
 * DER is minimal (OpenSSL refuses any other), so exactly one DER string
 * stands for each r||s, as with node:crypto's own conversion.
 */
export function p1363ToDer(raw: Uint8Array, size: number): Buffer | undefined {
  if (raw.length !== 2 * size) return undefined;
  const rStart = integerStart(raw, 0, size);
  const sStart = integerStart(raw, size, 2 * size);
  const rLength = size - rStart + ((raw[rStart] as number) & 0x80 ? 1 : 0);
  const sLength = 2 * size - sStart + ((raw[sStart] as number) & 0x80 ? 1 : 0);
  const content = 4 + rLength + sLength;
  const header = content < 0x80 ? 2 : 3;
  const der = Buffer.allocUnsafe(header + content);
  der[0] = 0x30;
  if (header === 2) der[1] = content;
  else {
    der[1] = 0x81;
    der[2] = content;
  }
  writeInteger(raw, sStart, 2 * size, der, writeInteger(raw, rStart, size, der, header));
  return der;
}
