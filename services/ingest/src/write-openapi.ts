#!/usr/bin/env node
/** Writes the OpenAPI document to the path given (docs/openapi.json via `npm run openapi`). */
import { writeFileSync } from 'node:fs';
import { buildOpenApi } from './openapi.js';

const target = process.argv[2] ?? 'docs/openapi.json';
writeFileSync(target, `${JSON.stringify(buildOpenApi(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
