/**
 * JSON for projection state that holds Maps, Sets and bigints: the default snapshot codec
 * of the runner. A plain object whose only key is one of the tags below would be read
 * back as that type, so states must not use those keys themselves.
 */
const MAP = '$map';
const SET = '$set';
const BIGINT = '$bigint';

export const serializeSnapshot = (state: unknown): string =>
  JSON.stringify(state, function (this: unknown, _key, value: unknown) {
    if (value instanceof Map) return { [MAP]: [...value] };
    if (value instanceof Set) return { [SET]: [...value] };
    if (typeof value === 'bigint') return { [BIGINT]: value.toString() };
    return value;
  });

export const deserializeSnapshot = <S>(text: string): S =>
  JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    const v = (value as Record<string, unknown>)[keys[0]!];
    switch (keys[0]) {
      case MAP:
        return new Map(v as [unknown, unknown][]);
      case SET:
        return new Set(v as unknown[]);
      case BIGINT:
        return BigInt(v as string);
      default:
        return value;
    }
  }) as S;
