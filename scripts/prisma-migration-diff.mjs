// Prints the SQL that prisma@6's schema engine generates between two schemas, offline (see prisma-offline.mjs).
//
//   node scripts/prisma-migration-diff.mjs                      empty database -> prisma/schema.prisma
//   node scripts/prisma-migration-diff.mjs --from <a> [--to <b>] schema file a -> b (b defaults as above)
//   node scripts/prisma-migration-diff.mjs --from-snapshot       last migration's schema -> prisma/schema.prisma
//
// Exit status: 0 with the SQL on stdout; 1 on failure (prisma's message on stderr).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diffSchemas, SCHEMA_PATH, SNAPSHOT_PATH } from './prisma-offline.mjs';

function parseArgs(argv) {
  const args = { from: null, to: SCHEMA_PATH };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--from-empty') args.from = null;
    else if (arg === '--from-snapshot') args.from = SNAPSHOT_PATH;
    else if (arg === '--from' && argv[i + 1]) args.from = resolve(argv[++i]);
    else if (arg === '--to' && argv[i + 1]) args.to = resolve(argv[++i]);
    else throw new Error(`unknown argument ${arg}; see the header of scripts/prisma-migration-diff.mjs`);
  }
  return args;
}

try {
  const { from, to } = parseArgs(process.argv.slice(2));
  const sql = diffSchemas(from === null ? null : readFileSync(from, 'utf8'), readFileSync(to, 'utf8'));
  process.stdout.write(sql);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
