/**
 * A deliberately small JSON Schema validator: exactly the keywords `spec/policy.schema.json` uses
 * (type, properties, required, additionalProperties: false, items, enum, minimum, maximum,
 * exclusiveMinimum, minItems, maxItems, pattern). It lets the tests ask "would an editor accept
 * this file?" without a validator package; a keyword it does not know is an error, so the schema
 * cannot grow a constraint the tests silently ignore.
 */

type Schema = { readonly [keyword: string]: unknown };

const KNOWN = new Set(['$schema', 'title', 'description', 'default', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'minItems', 'maxItems', 'pattern']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The violations of `schema` by `value`, each as `path: what`; empty when the value conforms. */
export function schemaViolations(schema: Schema, value: unknown, path = '$'): string[] {
  const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) return [`${path}: the schema uses keywords this validator does not know: ${unknown.join(', ')}`];
  const out: string[] = [];
  const type = typeOf(value);
  if (schema.type !== undefined && !(schema.type === type || (schema.type === 'number' && type === 'integer'))) return [`${path}: expected ${String(schema.type)}, got ${type}`];
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${path}: ${value} > maximum ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) out.push(`${path}: ${value} <= exclusiveMinimum ${schema.exclusiveMinimum}`);
  }
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) out.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) out.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items !== undefined) value.forEach((item, i) => out.push(...schemaViolations(schema.items as Schema, item, `${path}[${i}]`)));
  }
  if (type === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) out.push(`${path}: missing required ${key}`);
    for (const [key, v] of Object.entries(object)) {
      if (properties[key] !== undefined) out.push(...schemaViolations(properties[key], v, `${path}.${key}`));
      else if (schema.additionalProperties === false) out.push(`${path}: unknown key ${key}`);
    }
  }
  return out;
}
