// `npm run prisma:generate`: Prisma 7 `generate`, offline.
// The CLI refuses to start without a schema engine binary, which it would download; `generate` never runs it,
// so PRISMA_SCHEMA_ENGINE_BINARY names an empty placeholder file. Extra arguments go to `prisma generate`.
import { spawnSync } from 'node:child_process';
import { cliPath, offlineEnv, ROOT } from './prisma-offline.mjs';

const result = spawnSync(process.execPath, [cliPath('prisma'), 'generate', ...process.argv.slice(2)], {
  cwd: ROOT,
  env: offlineEnv(),
  stdio: 'inherit',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
