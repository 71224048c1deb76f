export const ROUTES = [
  {
    id: 'transactions',
    label: 'Transactions',
    summary: 'Every sale, capture, refund, fee and payout in the local cache, newest first.',
  },
  {
    id: 'reconcile',
    label: 'Reconcile',
    summary: "Match each POS sale to the provider's capture and to the payout that settled it.",
  },
  {
    id: 'exports',
    label: 'Exports',
    summary: 'Excel workbooks your accountant can book directly.',
  },
  {
    id: 'connections',
    label: 'Connections',
    summary: 'The payment providers posrecon syncs from.',
  },
  {
    id: 'dashboard',
    label: 'Dashboard',
    summary:
      "The shop's business at a glance: revenue, payments, reconciliation and sync, for a period you choose.",
  },
  {
    id: 'settings',
    label: 'Settings',
    summary:
      "The shop's name, the time zone business dates are computed in, its default currency, and how records are matched.",
  },
] as const;

export type Route = (typeof ROUTES)[number];
export type RouteId = Route['id'];
export const DEFAULT_ROUTE: RouteId = 'transactions';

export function isRouteId(value: string): value is RouteId {
  return ROUTES.some((route) => route.id === value);
}

export function routeById(id: RouteId): Route {
  return ROUTES.find((route) => route.id === id) ?? ROUTES[0];
}

export function routeHref(id: RouteId): string {
  return `#/${id}`;
}
