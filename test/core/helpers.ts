import { ApiClient, Transport, type ApiClientOptions, type FieldValues, type HttpRequest, type HttpResponse, type LoginError, type LoginPrompter, type LoginStep } from '../../src/mediawiki';
import type { ServedRequest } from '../wiki/types';
import { wiki } from './hooks';

export function newClient(options: Partial<ApiClientOptions> = {}): ApiClient {
  return new ApiClient({ apiUrl: wiki().apiUrl, ...options });
}

/** API requests the wiki served since the last clear. */
export function apiRequests(): ServedRequest[] {
  return wiki().requests().filter((r) => r.path.endsWith('api.php'));
}

export function actions(): string[] {
  return apiRequests().map((r) => r.action ?? '');
}

/** A transport that lets a test tamper with what goes out, to make a real wiki answer a fault. */
export class TamperingTransport extends Transport {
  tamper?: (req: HttpRequest) => HttpRequest | void;
  override async send(req: HttpRequest): Promise<HttpResponse> {
    const changed = this.tamper?.(req);
    return super.send(changed ?? req);
  }
}

/** A prompter that answers from a script and records what it was shown. */
export class ScriptedPrompter implements LoginPrompter {
  steps: LoginStep[] = [];
  retryAfterFailure?: (e: LoginError) => Promise<boolean>;
  redirects: string[] = [];
  constructor(
    private readonly answer: (step: LoginStep) => FieldValues | undefined,
    private readonly follow?: (target: string) => Promise<FieldValues | undefined>,
  ) {}
  async fill(step: LoginStep): Promise<FieldValues | undefined> {
    this.steps.push(step);
    return this.answer(step);
  }
  async redirect(target: string): Promise<FieldValues | undefined> {
    this.redirects.push(target);
    if (!this.follow) throw new Error('unexpected redirect');
    return this.follow(target);
  }
}

export { expectReject, uniqueTitle } from './util';
