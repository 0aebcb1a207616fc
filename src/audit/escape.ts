import { escapeForDisplay } from '../domain/text.js';

export { escapeForDisplay };

/**
 * Report lines joined for a terminal or a file: a line break, an ESC sequence or a bidi
 * override inside recorded text is shown as an escape, so no fact can forge, hide or reorder
 * lines of a report. Lines come one an entry; any line break inside one came from data.
 */
export const displayLines = (lines: readonly string[]): string => lines.map(escapeForDisplay).join('\n');

// JSON.stringify escapes C0 controls itself; these it leaves raw.
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Pretty JSON in which every character a terminal would act on is a \u escape: the same value, safe to print. */
export const displayJson = (value: unknown): string =>
  (JSON.stringify(value, null, 2) ?? 'null').replace(RAW_IN_JSON, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
