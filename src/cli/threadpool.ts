/**
 * Imported first by the CLI, before anything touches the file system: libuv's thread pool (4
 * threads by default) carries every fs call, and a build that stats, copies and renames thousands
 * of files keeps far more than 4 in flight. A user's own setting wins.
 */
process.env.UV_THREADPOOL_SIZE ??= '16';
