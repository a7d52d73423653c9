import { describe, expect, it } from 'vitest';
import { canonicalJson, hmacHex, plainJson } from '../../../connectors/canonical';

describe('Module: canonical', () => {
  it('writes store values as plain JSON: sets sorted, bytes as base64, bigints as strings, order kept', () => {
    // Prepare
    const record = {
      z: 1,
      tags: new Set(['b', 'a']),
      n: new Set([10, 9]),
      bytes: new Uint8Array([1, 2, 3]),
      big: 2n ** 64n,
      a: 'x',
    };

    // Act
    const text = plainJson(record);

    // Assess
    expect(text).toBe('{"z":1,"tags":["a","b"],"n":[10,9],"bytes":"AQID","big":"18446744073709551616","a":"x"}');
  });

  it('gives equal values one canonical text, whatever their key order, and drops undefined members', () => {
    // Prepare & Act
    const one = canonicalJson({ b: { y: 1, x: [2, { d: 1, c: 2 }] }, a: 'q', gone: undefined });
    const two = canonicalJson({ a: 'q', b: { x: [2, { c: 2, d: 1 }], y: 1 } });

    // Assess
    expect(one).toBe(two);
    expect(one).toBe('{"a":"q","b":{"x":[2,{"c":2,"d":1}],"y":1}}');
  });

  it('hashes with HMAC-SHA-256 (RFC 4231 test case 2)', () => {
    // Act & Assess
    expect(hmacHex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
