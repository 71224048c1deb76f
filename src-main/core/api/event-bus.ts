import { type EventName, type EventPayload, events } from './contract.ts';

export type EventListener = (name: EventName, payload: unknown) => void;

/** Typed, validated core → UI events. Transports subscribe once and forward everything. */
export class EventBus {
  #listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].parse(payload);
    for (const listener of this.#listeners) listener(name, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
