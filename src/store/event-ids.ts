import type { ProposedEvent, StreamAppend } from './port.js';

/**
 * Event ids are UUIDs, which compare without regard to case: every store keeps them in lower
 * case (as EventStoreDB does itself), so an id sent again in upper case is the same id.
 */
export const canonicalEvents = (events: readonly ProposedEvent[]): readonly ProposedEvent[] =>
  events.every((e) => e.id === e.id.toLowerCase()) ? events : events.map((e) => ({ ...e, id: e.id.toLowerCase() }));

export const canonicalAppend = (a: StreamAppend): StreamAppend => {
  const events = canonicalEvents(a.events);
  return events === a.events ? a : { ...a, events };
};
