// Imported by ./bolt.ts before Bolt itself (see there).
//
// Bolt's entry point requires every receiver it ships: the Socket Mode
// receiver (with @slack/socket-mode and undici) and the Express receiver
// (with express). coo serves HTTP with its own receiver and uses Socket Mode
// only when configured, so both are replaced by stand-ins that load the real
// receiver the first time one is made. Measured: loading Bolt went from about
// 185 to 80 ms of CPU and 11 MB less resident memory (decision 0034).
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const receivers = join(dirname(require.resolve("@slack/bolt")), "receivers");

type Constructor = new (...args: unknown[]) => object;

for (const name of ["SocketModeReceiver", "ExpressReceiver"]) {
  const file = join(receivers, `${name}.js`);
  if (require.cache[file]) continue;
  let real: Constructor | undefined;
  const load = (): Constructor => {
    if (!real) {
      // Drop the stand-in so this and every later require gets the real module.
      delete require.cache[file];
      real = (require(file) as { default: Constructor }).default;
    }
    return real;
  };
  const standIn = {
    [name]: class {
      constructor(...args: unknown[]) {
        // biome-ignore lint/correctness/noConstructorReturn: the stand-in hands out the real receiver
        return new (load())(...args);
      }
      static [Symbol.hasInstance](value: unknown): boolean {
        return value instanceof load();
      }
    },
  }[name];
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = { __esModule: true, default: standIn };
  require.cache[file] = module;
}
