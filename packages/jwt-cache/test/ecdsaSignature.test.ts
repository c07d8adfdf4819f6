// The DER <-> r||s conversion that lets ES* sign and verify pass a bare
// KeyObject to node:crypto, checked against node:crypto's own conversion
// (`dsaEncoding: 'ieee-p1363'`) on real signatures of every curve.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { seededRandom } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { p1363ToDer, writeP1363 } from '../src/ecdsaSignature.js';

// [curve, hash, size, signatures]: enough P-256 signatures that some r or s
// certainly has leading zero bytes (2 in 256 per signature; P-521's top byte
// is 0 half of the time); P-384 signs slowly, so it gets fewer.
const curves = [
  ['P-256', 'sha256', 32, 3000],
  ['P-384', 'sha384', 48, 100],
  ['P-521', 'sha512', 66, 100],
] as const;

describe('ECDSA signature encodings', () => {
  it.each(curves)('%s: DER -> r||s -> DER round-trips and agrees with node:crypto', (curve, hash, size, count) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const raw = Buffer.alloc(2 * size);
    let shortIntegers = 0;
    for (let i = 0; i < count; i++) {
      const data = Buffer.from(`message ${i}`);
      const der = sign(hash, data, privateKey);
      writeP1363(der, size, raw);
      expect(p1363ToDer(raw, size)?.equals(der)).toBe(true);
      const short = raw[0] === 0 || raw[size] === 0;
      if (short) shortIntegers++;
      // node:crypto's own conversion, both ways, as the independent check.
      if (short || i < 20) {
        expect(verify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
        const nodeRaw = sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        expect(verify(hash, data, publicKey, p1363ToDer(nodeRaw, size) as Buffer)).toBe(true);
      }
    }
    if (curve !== 'P-384') expect(shortIntegers).toBeGreaterThan(0);
  });

  it('encodes edge values minimally: zero, a set top bit, the long SEQUENCE length of P-521', () => {
    const zero = p1363ToDer(Buffer.alloc(64), 32) as Buffer;
    expect(zero.toString('hex')).toBe('3006020100020100');
    const high = Buffer.alloc(64, 0xff);
    const der = p1363ToDer(high, 32) as Buffer;
    expect(der.subarray(0, 5).toString('hex')).toBe('3046022100');
    const out = Buffer.alloc(64);
    writeP1363(der, 32, out);
    expect(out.equals(high)).toBe(true);
    const p521 = Buffer.alloc(132, 0x80);
    const big = p1363ToDer(p521, 66) as Buffer;
    expect(big.subarray(0, 3).toString('hex')).toBe('30818a');
    const back = Buffer.alloc(132);
    writeP1363(big, 66, back);
    expect(back.equals(p521)).toBe(true);
  });

  it('refuses r||s of the wrong length (the verifier then reports a bad signature)', () => {
    expect(p1363ToDer(Buffer.alloc(63), 32)).toBeUndefined();
    expect(p1363ToDer(Buffer.alloc(65), 32)).toBeUndefined();
    expect(p1363ToDer(Buffer.alloc(0), 32)).toBeUndefined();
  });

  it('throws on DER that is not one ECDSA-Sig-Value of the curve size (seeded random bytes)', () => {
    const rand = seededRandom(0xec);
    const out = Buffer.alloc(64);
    let thrown = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)));
      try {
        writeP1363(bytes, 32, out);
      } catch (error) {
        expect((error as Error).message).toMatch(/^ECDSA signature:/);
        thrown++;
      }
    }
    expect(thrown).toBe(2000);
    expect(() => writeP1363(Buffer.from('3006020100020100ff', 'hex'), 32, out)).toThrow(/length/);
    expect(() => writeP1363(Buffer.from('3046022201', 'hex'), 32, out)).toThrow(/ECDSA signature/);
  });

  const r66 = `0242${'01'}${'11'.repeat(65)}`;
  it.each([
    ['an unneeded leading zero on r', 32, `3045022100${'11'.repeat(32)}0220${'22'.repeat(32)}`],
    ['two leading zeros on a high r', 32, `304602220000${'ff'.repeat(32)}0220${'22'.repeat(32)}`],
    ['a negative r (top bit set, no zero byte)', 32, `30440220${'ff'.repeat(32)}0220${'22'.repeat(32)}`],
    ['an empty INTEGER for s', 32, `30240220${'11'.repeat(32)}0200`],
    ['a long-form length for r', 32, `3045028120${'11'.repeat(32)}0220${'22'.repeat(32)}`],
    ['a long-form SEQUENCE length under 128', 32, `308144${'0220'}${'11'.repeat(32)}0220${'22'.repeat(32)}`],
    ['a SEQUENCE length over 127 in short form (P-521)', 66, `3088${r66}${r66}`],
  ])('throws on non-minimal or negative DER: %s', (_name, size, hex) => {
    expect(() => writeP1363(Buffer.from(hex, 'hex'), size, Buffer.alloc(2 * size))).toThrow(/^ECDSA signature:/);
    if (size === 66) writeP1363(Buffer.from(`308188${r66}${r66}`, 'hex'), 66, Buffer.alloc(132)); // the minimal form reads
  });

  it('still reads the minimal forms around those edges', () => {
    const out = Buffer.alloc(64);
    writeP1363(Buffer.from(`3045022100${'80'.repeat(32)}0220${'22'.repeat(32)}`, 'hex'), 32, out);
    expect(out.toString('hex')).toBe('80'.repeat(32) + '22'.repeat(32));
    writeP1363(Buffer.from(`30250201010220${'7f'.repeat(32)}`, 'hex'), 32, out);
    expect(out.toString('hex')).toBe(`${'00'.repeat(31)}01${'7f'.repeat(32)}`);
  });
});
