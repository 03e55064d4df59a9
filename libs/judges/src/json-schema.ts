/**
 * The JSON Schema subset a judge's answer schema may use. Servers that honour `response_format` constrain
 * decoding with it, but not all do (and some only partly), so every answer is checked here as well. A
 * keyword outside the subset is refused up front rather than silently not checked.
 */
export type JsonSchemaType = 'object' | 'number' | 'integer' | 'string' | 'boolean' | 'array';
export type JsonPrimitive = string | number | boolean | null;

export interface JsonSchema {
  type?: JsonSchemaType;
  title?: string;
  description?: string;
  enum?: JsonPrimitive[];
  // object
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  // number, integer
  minimum?: number;
  maximum?: number;
  // string
  minLength?: number;
  maxLength?: number;
  // array
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
}

const TYPES = new Set<string>(['object', 'number', 'integer', 'string', 'boolean', 'array']);
const NUMBER_KEYS = ['minimum', 'maximum'] as const;
const COUNT_KEYS = ['minLength', 'maxLength', 'minItems', 'maxItems'] as const;
const KNOWN = new Set<string>([
  'type',
  'title',
  'description',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  ...NUMBER_KEYS,
  ...COUNT_KEYS,
  'items',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (path: string) => path || '(root)';

/** Problems that make `schema` unusable: unknown keywords, wrong value types. Empty when it is fine. */
export function schemaProblems(schema: unknown, path = ''): string[] {
  if (!isObject(schema)) return [`${at(path)}: a schema must be an object`];
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) problems.push(`${at(path)}: keyword "${key}" is not supported`);
  const { type } = schema;
  if (type === undefined && schema.enum === undefined) problems.push(`${at(path)}: needs "type" or "enum"`);
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type)))
    problems.push(`${at(path)}: type must be one of ${[...TYPES].join(', ')}`);
  if (
    schema.enum !== undefined &&
    (!Array.isArray(schema.enum) || schema.enum.length === 0 || schema.enum.some((v) => isObject(v) || Array.isArray(v)))
  ) {
    problems.push(`${at(path)}: enum must be a non-empty list of strings, numbers, booleans or null`);
  }
  for (const k of NUMBER_KEYS)
    if (schema[k] !== undefined && !Number.isFinite(schema[k])) problems.push(`${at(path)}: ${k} must be a number`);
  for (const k of COUNT_KEYS)
    if (schema[k] !== undefined && !(Number.isInteger(schema[k]) && (schema[k] as number) >= 0))
      problems.push(`${at(path)}: ${k} must be a whole number ≥ 0`);
  if (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== 'boolean')
    problems.push(`${at(path)}: additionalProperties must be true or false`);
  if (schema.properties !== undefined) {
    if (!isObject(schema.properties)) problems.push(`${at(path)}: properties must be an object`);
    else
      for (const [name, sub] of Object.entries(schema.properties)) problems.push(...schemaProblems(sub, path ? `${path}.${name}` : name));
  }
  if (schema.required !== undefined) {
    const props = isObject(schema.properties) ? schema.properties : {};
    if (!Array.isArray(schema.required) || schema.required.some((r) => typeof r !== 'string'))
      problems.push(`${at(path)}: required must be a list of names`);
    else for (const r of schema.required as string[]) if (!(r in props)) problems.push(`${at(path)}: required "${r}" is not in properties`);
  }
  if (schema.items !== undefined) problems.push(...schemaProblems(schema.items, `${path}[]`));
  return problems;
}

/** Where `value` breaks `schema` (a schema that passed `schemaProblems`); empty when it conforms. */
export function validateJson(schema: JsonSchema, value: unknown, path = ''): string[] {
  const issues: string[] = [];
  const where = at(path);
  if (schema.enum && !schema.enum.some((e) => e === value))
    issues.push(`${where}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  switch (schema.type) {
    case 'object': {
      if (!isObject(value)) return [...issues, `${where}: must be an object`];
      const props = schema.properties ?? {};
      for (const r of schema.required ?? []) if (!(r in value)) issues.push(`${path ? `${path}.` : ''}${r}: required`);
      for (const [k, v] of Object.entries(value)) {
        const sub = props[k];
        const child = path ? `${path}.${k}` : k;
        if (sub) issues.push(...validateJson(sub, v, child));
        else if (schema.additionalProperties === false) issues.push(`${child}: not allowed`);
      }
      break;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return [...issues, `${where}: must be a number`];
      if (schema.type === 'integer' && !Number.isInteger(value)) issues.push(`${where}: must be an integer`);
      if (schema.minimum !== undefined && value < schema.minimum) issues.push(`${where}: ${value} is below the minimum ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) issues.push(`${where}: ${value} is above the maximum ${schema.maximum}`);
      break;
    }
    case 'string': {
      if (typeof value !== 'string') return [...issues, `${where}: must be a string`];
      if (schema.minLength !== undefined && value.length < schema.minLength)
        issues.push(`${where}: shorter than ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        issues.push(`${where}: longer than ${schema.maxLength} characters`);
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') issues.push(`${where}: must be true or false`);
      break;
    case 'array': {
      if (!Array.isArray(value)) return [...issues, `${where}: must be a list`];
      if (schema.minItems !== undefined && value.length < schema.minItems) issues.push(`${where}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) issues.push(`${where}: more than ${schema.maxItems} items`);
      if (schema.items) value.forEach((v, i) => issues.push(...validateJson(schema.items!, v, `${path}[${i}]`)));
      break;
    }
  }
  return issues;
}
