// The test wiki's TOTP (test/wiki/totp.ts) against RFC 6238's SHA-1 test vectors, and base32.
import * as assert from 'node:assert/strict';
import { base32Decode, base32Encode, totp } from '../wiki/totp';
import { canonicalUserName } from '../wiki/userName';

describe('test wiki helpers without a wiki', () => {
  it('computes RFC 6238 codes (test vector)', function () {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    assert.equal(secret, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    assert.equal(totp(secret, 59_000), '287082');
    assert.equal(totp(secret, 1111111109_000), '081804');
    assert.equal(totp(secret, 1234567890_000), '005924');
    assert.equal(totp(secret, 2000000000_000), '279037');
  });

  it('base32 round-trips, ignoring case, spaces and padding; refuses other characters', () => {
    const bytes = Buffer.from('any bytes \u0000\u00ff');
    assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
    assert.deepEqual(base32Decode('gezd gnbv===='), base32Decode('GEZDGNBV'));
    assert.throws(() => base32Decode('GEZ1'), /invalid base32 character "1"/);
  });

  it('user names in MediaWiki\'s canonical form', () => {
    assert.equal(canonicalUserName('alice_smith '), 'Alice smith');
    assert.equal(canonicalUserName('TwoFactor1'), 'TwoFactor1');
    assert.equal(canonicalUserName('ädmin'), 'Ädmin');
  });
});
