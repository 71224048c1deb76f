import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type AppInfo = OperationOutput<'app:info'>;

export class AppInfoState {
  info = $state.raw<AppInfo | null>(null);
  error = $state.raw<ApiErrorBody | null>(null);
  loading = $state(false);
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    this.loading = true;
    const result = await this.#api.call('app:info', {});
    this.loading = false;
    if (result.ok) {
      this.info = result.value;
      this.error = null;
    } else {
      this.error = result.error;
    }
  }
}
