// Prints the current two-factor code for a base32 secret (the demo's 2FA user).
import { totp } from '../../test/wiki';

const secret = process.argv[2];
if (!secret) {
  console.error('usage: node out/tools/demo/totp.js BASE32SECRET');
  process.exit(2);
}
const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${totp(secret)}  (valid for ${left} more seconds)`);
