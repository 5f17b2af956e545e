import { readFileSync } from 'node:fs';
import { sample } from '../support/samples.js';

/**
 * Checks JSON fixtures against the Android Management API discovery document kept in the public
 * samples, so that the field names appban reads are the API's and not a guess.
 */
interface DiscoverySchema {
  type?: string;
  $ref?: string;
  enum?: string[];
  items?: DiscoverySchema;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
}

let schemas: Record<string, DiscoverySchema> | undefined;

export function discoverySchemas(): Record<string, DiscoverySchema> {
  if (!schemas) {
    const document = JSON.parse(
      readFileSync(sample('android-management', 'androidmanagement.v1.discovery.json'), 'utf8'),
    ) as { schemas: Record<string, DiscoverySchema> };
    schemas = document.schemas;
  }
  return schemas;
}

/** Every problem found: unknown fields, values outside an enum, wrong JSON types. */
export function conformanceProblems(value: unknown, schemaName: string): string[] {
  const problems: string[] = [];
  check(value, { $ref: schemaName }, '$', problems);
  return problems;
}

function check(value: unknown, schema: DiscoverySchema, path: string, problems: string[]): void {
  const resolved = schema.$ref ? discoverySchemas()[schema.$ref] : schema;
  if (!resolved) {
    problems.push(`${path}: unknown schema ${schema.$ref}`);
    return;
  }
  if (resolved.enum && !resolved.enum.includes(value as string))
    problems.push(`${path}: ${String(value)} not in enum`);
  if (resolved.type === 'array') {
    if (!Array.isArray(value)) problems.push(`${path}: expected an array`);
    else {
      for (const [index, item] of value.entries())
        check(item, resolved.items ?? {}, `${path}[${index}]`, problems);
    }
    return;
  }
  if (resolved.type === 'object' || resolved.properties) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${path}: expected an object`);
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      const property = resolved.properties?.[key] ?? resolved.additionalProperties;
      if (!property) problems.push(`${path}.${key}: not in the schema`);
      else check(item, property, `${path}.${key}`, problems);
    }
    return;
  }
  if (resolved.type === 'string' && typeof value !== 'string') problems.push(`${path}: expected a string`);
  if (resolved.type === 'boolean' && typeof value !== 'boolean') problems.push(`${path}: expected a boolean`);
  if (resolved.type === 'integer' && typeof value !== 'number') problems.push(`${path}: expected a number`);
}

/** Whether `Schema.field` exists, following nothing: the fields appban reads, one by one. */
export function hasField(schemaName: string, field: string): boolean {
  return Boolean(discoverySchemas()[schemaName]?.properties?.[field]);
}

export function enumValues(schemaName: string, field: string): string[] {
  return discoverySchemas()[schemaName]?.properties?.[field]?.enum ?? [];
}
