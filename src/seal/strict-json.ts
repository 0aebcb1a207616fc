import * as E from 'fp-ts/lib/Either.js';
import type { FieldError } from '../domain/codec.js';
import type { RecordedEvent } from '../store/port.js';
import { bodyOf, canonicalBody, decodeEnvelope, envelopeJson, type Envelope } from './envelope.js';

/**
 * The first key that an object of `text` (valid JSON) holds twice, or undefined. Readers
 * disagree on such text: JSON.parse keeps the last value, SQLite's JSON functions the first.
 * A scan of the text without recursion; only run once a row is already suspect.
 */
export const duplicateKey = (text: string): string | undefined => {
  // One entry per open container: the keys seen so far for an object, undefined for an array.
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = open[open.length - 1];
      if (expectKey && top !== undefined) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
      }
      expectKey = false;
      i = j;
    } else if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      open.push(undefined);
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',') {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
  return undefined;
};

/** The one text the ledger writes for an envelope: its body's canonical JSON, then hash and sig. */
export const storedTextOf = (env: Envelope): string => envelopeJson(canonicalBody(bodyOf(env)), env.hash, env.sig);

/**
 * Why the text a store kept for `ev` is not the text the ledger writes for the envelope it
 * decodes to, or undefined (also when the store keeps no text). A row can hash right and still
 * say something else to another reader: a repeated key, an escape, spacing around a value.
 */
export const storedTextProblem = (ev: RecordedEvent, env: Envelope): string | undefined => {
  if (ev.text === undefined) return undefined;
  const expected = storedTextOf(env);
  if (ev.text === expected) return undefined;
  const repeated = duplicateKey(ev.text);
  if (repeated !== undefined) return `the stored text holds the key "${repeated}" twice: other readers of the row may see another value than the one verified`;
  let at = 0;
  while (at < expected.length && ev.text[at] === expected[at]) at++;
  return `the stored text is not the canonical text of its envelope (they differ from character ${at}): it was rewritten after sealing`;
};

/**
 * `decodeEnvelope` for a read path that has the whole event: also refuses stored text the
 * verifier would report (see storedTextProblem), so no view folds what verify rejects.
 */
export const decodeStored = (data: unknown, ev?: RecordedEvent): E.Either<FieldError[], Envelope> => {
  const decoded = decodeEnvelope(data);
  if (ev === undefined || E.isLeft(decoded)) return decoded;
  const problem = storedTextProblem(ev, decoded.right);
  return problem === undefined ? decoded : E.left([{ field: '(event)', message: problem }]);
};
