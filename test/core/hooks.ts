// One real wiki for the whole core suite (mocha root hook plugin).
import { startWiki } from '../wiki';
import type { TestWiki } from '../wiki/types';

let current: TestWiki | undefined;

export function wiki(): TestWiki {
  if (!current) throw new Error('test wiki not started');
  return current;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    current = await startWiki();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await current?.stop();
    current = undefined;
  },
};
