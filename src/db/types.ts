/** Type mappings shared by both engines' postgres.js clients. */

/**
 * bigint (int8) columns as JS numbers instead of postgres.js's default
 * strings: update ids, trade ids and count(*) are all far below 2^53. A value
 * that is not exactly representable fails loudly rather than rounding.
 */
export const INT8_AS_NUMBER = {
  to: 20,
  from: [20],
  serialize: (value: number | bigint | string) => String(value),
  parse: (text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} does not fit a JS number exactly`);
    return value;
  },
};
