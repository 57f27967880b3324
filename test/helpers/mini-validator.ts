/**
 * Just enough of JSON Schema 2020-12 to check the keywords our generated schemas use, so the
 * tests can prove the committed schemas accept and reject what editors should. Not a general
 * validator: unknown keywords are ignored.
 */
import type { JsonSchema } from '../../src/schema/json-schema.js';

type Schema = JsonSchema | boolean;

export function validateJson(schema: Schema, value: unknown, root: JsonSchema, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);

  if (typeof schema.$ref === 'string') errors.push(...validateJson(resolveRef(root, schema.$ref), value, root, path));
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, String(type)))) fail(`expected type ${types.join('|')}`);
  }
  if ('const' in schema && value !== schema.const) fail(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail('not in enum');
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s: Schema) => validateJson(s, value, root, path).length === 0)) {
    fail('matches no anyOf branch');
  }
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s: Schema) => validateJson(s, value, root, path).length === 0).length !== 1) {
    fail('does not match exactly one oneOf branch');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum');
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) fail('not above exclusiveMinimum');
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) fail('too long');
    if (typeof schema.minLength === 'number' && length < schema.minLength) fail('too short');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('does not match pattern');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (isSchema(schema.items)) {
      const items = schema.items;
      for (const [i, item] of value.entries()) errors.push(...validateJson(items, item, root, `${path}[${i}]`));
    }
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (!Object.hasOwn(value, String(key))) fail(`missing ${String(key)}`);
    }
    const patterns = Object.entries(isObject(schema.patternProperties) ? schema.patternProperties : {});
    for (const [key, item] of Object.entries(value)) {
      const sub = properties[key];
      const matched = patterns.filter(([pattern]) => new RegExp(pattern, 'u').test(key));
      if (isSchema(sub)) errors.push(...validateJson(sub, item, root, `${path}.${key}`));
      for (const [, patternSchema] of matched) {
        if (isSchema(patternSchema)) errors.push(...validateJson(patternSchema, item, root, `${path}.${key}`));
      }
      if (!isSchema(sub) && matched.length === 0 && schema.additionalProperties === false) fail(`unknown key ${key}`);
    }
  }
  return errors;
}

function resolveRef(root: JsonSchema, ref: string): Schema {
  if (ref === '#') return root;
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const defs = root.$defs;
  const target = name !== undefined && isObject(defs) ? defs[name] : undefined;
  if (!isSchema(target)) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'boolean' || isObject(value);
}
