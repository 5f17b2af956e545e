#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so `npx appban` works right after `npm ci`
// with no build step and can never run stale compiled code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
