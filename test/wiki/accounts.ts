// The fixed accounts (the same in every wiki; passwords are test-only constants derived from a label,
// so they are stable across runs and never typed into a file).
import { createHash } from 'node:crypto';
import { BOT_APP_ID, BOT_GRANTS } from './constants';
import { base32Encode } from './totp';

export const TWO_FACTOR_USERS = 4;

function derive(label: string, len: number): string {
  return createHash('sha256').update(`mwsessions-test-fixture:${label}`).digest('hex').slice(0, len);
}

/** One account as php/setupFixture.php creates it. */
export interface UserSpec {
  name: string;
  password: string;
  groups?: string[];
  botPasswords?: { appId: string; password: string; grants: string[] }[];
  totpSecret?: string;
  blocked?: boolean;
}

export const ADMIN_PASSWORD = `Admin-${derive('admin', 12)}!`;

export function userSpecs(): UserSpec[] {
  const specs: UserSpec[] = [
    { name: 'Admin', password: ADMIN_PASSWORD },
    {
      name: 'Bot',
      password: `Bot-${derive('bot', 12)}!`,
      groups: ['bot'],
      botPasswords: [{ appId: BOT_APP_ID, password: derive('bot-bp', 32), grants: BOT_GRANTS }],
    },
    { name: 'Plain', password: `Plain-${derive('plain', 12)}!` },
    { name: 'Captcha', password: `Captcha-${derive('captcha', 12)}!` },
    {
      name: 'Blocked',
      password: `Blocked-${derive('blocked', 12)}!`,
      blocked: true,
      botPasswords: [{ appId: BOT_APP_ID, password: derive('blocked-bp', 32), grants: BOT_GRANTS }],
    },
    { name: 'Redirect', password: `Redirect-${derive('redirect', 12)}!` },
  ];
  for (let i = 1; i <= TWO_FACTOR_USERS; i++) {
    specs.push({
      name: `TwoFactor${i}`,
      password: `TwoFactor${i}-${derive(`2fa${i}`, 12)}!`,
      totpSecret: base32Encode(createHash('sha1').update(`mwsessions-test-fixture:totp:${i}`).digest()),
    });
  }
  return specs;
}
