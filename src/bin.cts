#!/usr/bin/env node
/**
 * The `kieaudio` executable. CommonJS on purpose: it runs before anything touches the file system
 * asynchronously, so it can still size libuv's thread pool (4 threads by default), which carries
 * every fs call — and a build that stats, copies and renames thousands of files keeps far more
 * than 4 in flight. A user's own setting wins. Then the ES module CLI takes over.
 */
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '16';
void import('./cli/main.js').then(async ({ main }) => {
  process.exitCode = await main(process.argv.slice(2));
});
