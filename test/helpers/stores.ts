import type { EventStore, RecordedEvent } from '../../src/store/port.js';

/**
 * A store that lies on the way out: every event read passes through `alter`, which may
 * change it or drop it (return undefined). Writes go through untouched.
 */
export const lyingStore = (inner: EventStore, alter: (e: RecordedEvent) => RecordedEvent | undefined): EventStore => {
  async function* filter(source: AsyncIterable<RecordedEvent>) {
    for await (const e of source) {
      const out = alter(e);
      if (out) yield out;
    }
  }
  return {
    ...inner,
    name: `lying(${inner.name})`,
    append: (s, events, expected) => inner.append(s, events, expected),
    readStream: (s, o) => filter(inner.readStream(s, o)),
    lastEvent: (s) => inner.lastEvent(s),
    readAll: (o) => filter(inner.readAll(o)),
    subscribe: (o) => inner.subscribe(o),
    close: () => inner.close(),
  };
};

/** A deep copy of a recorded event with its data changed by `edit`. */
export const withData = (e: RecordedEvent, edit: (data: Record<string, any>) => void): RecordedEvent => {
  const data = structuredClone(e.data) as Record<string, any>;
  edit(data);
  return { ...e, data };
};
