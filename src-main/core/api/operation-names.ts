import type { OperationName } from './contract.ts';

/**
 * The operation names without zod, for code that must stay tiny: the sandboxed preload is bundled into
 * one file and should not carry the schemas. tsc fails below if an operation is missing here, and a
 * unit test checks the list equals `Object.keys(operations)` (same names, same order).
 */
export const OPERATION_NAMES = [
  'app:info',
  'settings:get',
  'settings:set',
  'transactions:list',
  'transactions:search',
  'transactions:get',
  'transactions:facets',
  'connections:list',
  'sync:start',
  'sync:status',
  'sync:cancel',
  'connections:providers',
  'connections:overview',
  'connections:add',
  'connections:update',
  'connections:setSecret',
  'connections:hasSecret',
  'connections:test',
  'connections:remove',
  'reconcile:run',
  'reconcile:summary',
  'reconcile:list',
  'reconcile:explain',
  'reconcile:candidates',
  'reconcile:payout',
  'reconcile:decide',
  'reconcile:undo',
  'reconcile:decisions',
  'reconcile:settings',
  'reconcile:configure',
  'dashboard:get',
  'export:xlsx',
  'export:csv',
  'export:cancel',
  'export:list',
  'export:file',
  'export:close',
  'export:reopen',
  'export:periods',
  'quarantine:list',
  'quarantine:retry',
  'quarantine:dismiss',
] as const satisfies readonly OperationName[];

type Missing = Exclude<OperationName, (typeof OPERATION_NAMES)[number]>;
// A type error here names the operation you added to contract.ts but not to OPERATION_NAMES.
export const _allOperationsListed: [Missing] extends [never] ? true : Missing = true;
