/**
 * The simulator in a process of its own, for benchmarks that measure a build's memory without
 * the simulator's: `node sim-server.js '<SimulatorOptions as JSON>'` prints the simulator's URL
 * on one line, and closes it when its stdin ends (the benchmark is done with it, or died).
 */
import { startSimulator } from '../src/sim/index.js';

const sim = await startSimulator(JSON.parse(process.argv[2] ?? '{}'));
process.stdout.write(`${sim.url}\n`);
process.stdin.on('end', () => {
  void sim.close().finally(() => process.exit(0));
});
process.stdin.resume();
