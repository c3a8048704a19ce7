#!/usr/bin/env node
// Entry point: everything lives in the built CLI; exit codes are set there.
import { main } from '../dist/main.js';

await main(process.argv.slice(2));
