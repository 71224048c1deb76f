import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind } from '../faults/fault-config.ts';
import type { FaultEngine } from '../faults/fault-engine.ts';
import type { World } from '../world/world.ts';

export type ProviderId = 'sentrypos' | 'vipps' | 'tgi' | 'sensepass' | 'cents';

export interface EmuRequest {
  method: string;
  /** Path below the provider's prefix, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string;
  /** A hostile paging fault the emulator applies in its own paging terms, with the request's ordinal. */
  hostile?: { kind: FaultKind; ordinal: number };
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized with JSON.stringify. */
  json?: unknown;
  /** A pre-serialized body: pages are assembled from stored JSON text without re-parsing it. */
  raw?: string;
  contentType?: string;
  /** The property holding the page's records, for the malformed-record fault. */
  recordsKey?: string;
  /** The page size the client asked for, for the page-oversize fault. */
  pageLimit?: number;
}

export interface Route {
  endpoint: string;
  method: string;
  pattern: RegExp;
  /** Token endpoints are left alone by `endpoint: '*'` fault rules unless they opt in. */
  auth?: boolean;
  handle(req: EmuRequest, match: RegExpExecArray): EmuResponse | Promise<EmuResponse>;
}

export interface EmulatorContext {
  world: World;
  faults: FaultEngine;
  /** Divides token lifetimes, rate-limit windows, stalls and background delays (tests). */
  speedUp: number;
  now(): number;
}

export interface Emulator {
  provider: ProviderId;
  routes: Route[];
  /** The provider's own error body for a status (used by faults and unknown paths too). */
  error(status: number, code?: string, message?: string): EmuResponse;
}
