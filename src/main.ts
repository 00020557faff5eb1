import { ConfigError, loadConfig } from "./config.js";
import { startCoo } from "./coo.js";
import { MigrationError } from "./db/migrate.js";
import { EnvFileError, loadEnvFile } from "./env-file.js";
import { redact } from "./log.js";
import { PersonaError } from "./persona/load.js";

/** How long a stop may take before the process exits anyway (orchestrators allow about 30 s). */
const shutdownGraceMs = 10_000;

// The process entry: read .env and the environment once, start, stop cleanly on a signal.
async function main(): Promise<void> {
  let coo: Awaited<ReturnType<typeof startCoo>>;
  try {
    loadEnvFile();
    coo = await startCoo(loadConfig(process.env));
  } catch (error) {
    const known =
      error instanceof ConfigError ||
      error instanceof EnvFileError ||
      error instanceof PersonaError ||
      error instanceof MigrationError;
    const text = known
      ? (error as Error).message
      : `coo failed to start: ${(error as Error)?.stack ?? String(error)}`;
    process.stderr.write(`${redact(text, [])}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`coo: ${signal} received, shutting down\n`);
    // A stop that waits on something that never answers (Slack unreachable,
    // a send retrying) must not keep the process: whatever is left is a job
    // under a lease, and the next process takes it over.
    setTimeout(() => {
      process.stderr.write(
        `coo: did not stop within ${shutdownGraceMs / 1000} s; exiting anyway (unfinished jobs are taken over by the next process)\n`,
      );
      process.exit(1);
    }, shutdownGraceMs).unref();
    await coo.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
