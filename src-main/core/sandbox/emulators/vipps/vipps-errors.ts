import { randomUUID } from 'node:crypto';
import type { EmuResponse } from '../types.ts';

/**
 * Vipps's three error shapes: 401 `{code, message}`; 500 `{errorCode, errorMessage, contextId}`;
 * everything else `application/problem+json`.
 */
export function vippsError(status: number, code?: string, message?: string, instance = ''): EmuResponse {
  if (status === 401) {
    return {
      status,
      json: { code: code ?? 'Unauthorized', message: message ?? 'Please check your API keys' },
    };
  }
  if (status === 500) {
    return {
      status,
      json: { errorCode: 100001, errorMessage: message ?? 'Internal server error', contextId: randomUUID() },
    };
  }
  const titles: Record<number, string> = {
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
  };
  return {
    status,
    contentType: 'application/problem+json',
    json: {
      type: `https://developer.vippsmobilepay.com/docs/APIs/report-api/api-guide/errors#${code ?? status}`,
      title: titles[status] ?? 'Error',
      status,
      detail: message ?? titles[status] ?? 'Error',
      instance,
    },
  };
}
