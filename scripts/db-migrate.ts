// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the
// embedded database in DATA_DIR when it is unset. The bot does this itself at
// start; this is for deploy pipelines that migrate before rolling out. Like the
// bot, it reads .env (or COO_ENV_FILE) first; the environment wins.
import { ConfigError, loadDatabaseConfig } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { EnvFileError, loadEnvFile } from "../src/env-file.js";
import { createLog } from "../src/log.js";

const log = createLog({ level: "info" });
try {
  loadEnvFile();
  const database = await openDatabase(loadDatabaseConfig(process.env), log);
  try {
    const applied = await database.migrate();
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(
    error instanceof ConfigError || error instanceof EnvFileError
      ? error.message
      : `migration failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
