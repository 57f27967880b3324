/** undici gives a repeated response header as an array; kieaudio reads the first value. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
