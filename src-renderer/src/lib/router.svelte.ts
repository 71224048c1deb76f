import { DEFAULT_ROUTE, isRouteId, type RouteId } from './routes.ts';

/**
 * Hash routing (`#/settings`): works the same from `app://` in Electron and from `posrecon serve`,
 * with no server-side fallback needed. Hashes that are not routes (such as the skip link's `#main`)
 * leave the current view alone.
 */
export class Router {
  current = $state<RouteId>(DEFAULT_ROUTE);
  /** Counts navigations after the first view, so the app can move focus only when the user navigated. */
  navigations = $state(0);
  #location: Location;

  constructor(location: Location = window.location) {
    this.#location = location;
    this.current = this.#parse() ?? DEFAULT_ROUTE;
  }

  #parse(): RouteId | null {
    const match = /^#\/([\w-]+)/.exec(this.#location.hash);
    return match?.[1] && isRouteId(match[1]) ? match[1] : null;
  }

  /** Starts following `hashchange`; returns the function that stops. */
  listen(target: Window = window): () => void {
    const onChange = () => {
      const next = this.#parse();
      if (next && next !== this.current) {
        this.current = next;
        this.navigations += 1;
      }
    };
    target.addEventListener('hashchange', onChange);
    return () => target.removeEventListener('hashchange', onChange);
  }
}
