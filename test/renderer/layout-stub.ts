/**
 * jsdom has no layout: the virtual list needs a viewport height and a ResizeObserver that reports it,
 * or it renders no rows at all. Installed once per test file that shows the Transactions view.
 */
export function stubLayout(height = 600): void {
  class FakeResizeObserver {
    #cb: ResizeObserverCallback;
    constructor(cb: ResizeObserverCallback) {
      this.#cb = cb;
    }
    observe(el: Element) {
      const entry = {
        target: el,
        contentRect: { width: 1000, height },
        borderBoxSize: [{ blockSize: height, inlineSize: 1000 }],
      };
      // Asynchronously, as browsers do: callers register the element after calling observe().
      queueMicrotask(() =>
        this.#cb([entry as unknown as ResizeObserverEntry], this as unknown as ResizeObserver),
      );
    }
    unobserve() {}
    disconnect() {}
  }
  for (const scope of [globalThis, window] as unknown as Record<string, unknown>[]) {
    scope.ResizeObserver ??= FakeResizeObserver;
  }
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => height });
}
