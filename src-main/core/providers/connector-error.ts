/**
 * Failures a connector reports. `auth` and `config` stop that one connection with a message a shop
 * manager can act on; `transient` survived every retry; `protocol` means the provider sent something
 * we cannot read at all (not a single bad record: those are quarantined).
 */
export type ConnectorErrorKind = 'auth' | 'config' | 'transient' | 'protocol' | 'cancelled';

export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;
  readonly status: number | null;
  constructor(kind: ConnectorErrorKind, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = kind;
    this.status = options?.status ?? null;
  }

  /**
   * Auth and config problems need a person; retrying the sync later will not fix them. A 404 is about
   * one resource (a Vipps Sales date, a ledger's report), not the connection: the other streams go on.
   */
  get stopsConnection(): boolean {
    return this.kind === 'auth' || (this.kind === 'config' && this.status !== 404);
  }
}
