/**
 * How a value the user wrote is quoted back in an error message ("…, found 1.5"). Long strings
 * are shortened so a 6,000-character prompt does not flood the terminal.
 */

const MAX_QUOTED = 40;

export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    if (value.length <= MAX_QUOTED) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_QUOTED))}… (${value.length} characters)`;
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  return describeType(value);
}

/**
 * Only the type, never the content: used where a map or list was expected, because a string in
 * such a place is as likely to be a pasted secret as anything else.
 */
export function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

/** A number written in quotes is the most common type slip; say so. */
export function quotedNumberHint(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
    ? ' (a string; write the number without quotes)'
    : '';
}

export function quoteList(values: readonly string[], conjunction = 'or'): string {
  const quoted = values.map((v) => JSON.stringify(v));
  if (quoted.length <= 2) return quoted.join(` ${conjunction} `);
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted.at(-1) ?? ''}`;
}
