import { ApiClient, Transport, type ApiClientOptions, type HttpRequest, type HttpResponse } from '../../src/mediawiki';
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

export { expectReject, uniqueTitle } from './util';
