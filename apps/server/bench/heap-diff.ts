/**
 * What grew between two heap snapshots, by constructor:
 *   npx tsx apps/server/bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [per]
 * Prints the top entries by self-size growth; with `per` (e.g. the number of sockets added),
 * also bytes and objects per socket. Write the snapshots with `--heap-snapshots DIR`.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per "type:name" (closures by function name, objects by constructor). */
function summarize(path: string): Map<string, { bytes: number; count: number }> {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const totals = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]!]!;
    const raw = strings[nodes[i + nameAt]!] ?? '';
    // Strings and code are summed by kind; their "names" are their contents.
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'code' ? '' : raw.slice(0, 60);
    const key = `${type}:${name}`;
    const entry = totals.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += nodes[i + sizeAt]!;
    entry.count++;
    totals.set(key, entry);
  }
  return totals;
}

const [beforePath, afterPath, perArg] = process.argv.slice(2);
if (!beforePath || !afterPath) throw new Error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [per]');
const per = Number(perArg ?? 1);
const before = summarize(beforePath);
const after = summarize(afterPath);
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { bytes: 0, count: 0 };
  return { key, bytes: a.bytes - b.bytes, count: a.count - b.count };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`self size grew by ${(total / 1024).toFixed(0)} KB${per > 1 ? ` = ${(total / per).toFixed(0)} B per unit` : ''}`);
console.log('  bytes/unit  objects/unit  type:name');
for (const row of rows.slice(0, 40)) {
  console.log(`  ${(row.bytes / per).toFixed(0).padStart(10)}  ${(row.count / per).toFixed(2).padStart(12)}  ${row.key}`);
}
