#!/usr/bin/env node
// @ts-check
/* global fetch -- a Node 20 global */
// `npm run check-images`: every image the platform can use (each service's default and the per-architecture
// alternatives) exists in its registry and lists the architectures the platform runs it on. Not part of
// `npm test`: it needs the registries. Exit 0 all good, 1 a tag or architecture missing, 2 no registry reached.
import { imageExpectations } from '../dist/platform/architecture.js';
import { checkImages } from './lib/registry.mjs';

process.exitCode = await checkImages(imageExpectations(), {
  fetch: (url, init) => fetch(url, init),
  out: (text) => process.stdout.write(text),
});
