/**
 * What grew between two heap snapshots of one process (write them with `--heap-snapshots DIR`):
 *
 *   npx tsx apps/server/bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [per]
 *     self size grown, by type and constructor; with `per` (e.g. sockets added), per unit
 *   npx tsx apps/server/bench/heap-diff.ts before.heapsnapshot after.heapsnapshot --retainers NAME [depth]
 *     objects named NAME (constructor, or e.g. "(object properties)") new in `after`, grouped
 *     by their retainer path: who keeps them alive
 */
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type NodeField = 'type' | 'name' | 'id' | 'self_size' | 'edge_count';

class HeapSnapshot {
  readonly raw: RawSnapshot;
  readonly nodeCount: number;
  readonly #stride: number;
  readonly #at: Record<NodeField, number>;

  constructor(path: string) {
    this.raw = JSON.parse(readFileSync(path, 'utf8')) as RawSnapshot;
    const fields = this.raw.snapshot.meta.node_fields;
    this.#stride = fields.length;
    this.#at = { type: fields.indexOf('type'), name: fields.indexOf('name'), id: fields.indexOf('id'), self_size: fields.indexOf('self_size'), edge_count: fields.indexOf('edge_count') };
    this.nodeCount = this.raw.nodes.length / this.#stride;
  }

  field(node: number, name: NodeField): number {
    return this.raw.nodes[node * this.#stride + this.#at[name]]!;
  }

  type(node: number): string {
    return this.raw.snapshot.meta.node_types[0][this.field(node, 'type')]!;
  }

  name(node: number): string {
    return this.raw.strings[this.field(node, 'name')] ?? '';
  }

  /** Strings and code are grouped by kind; their "names" are their contents. */
  label(node: number): string {
    const type = this.type(node);
    return /string|code/.test(type) ? `${type}:` : `${type}:${this.name(node).slice(0, 60)}`;
  }

  /** For each node, its first strong retainer and the edge from it: [retainer, edge label]. */
  firstRetainers(): Array<[number, string] | undefined> {
    const { edges, strings, snapshot } = this.raw;
    const [edgeFields, edgeTypes] = [snapshot.meta.edge_fields, snapshot.meta.edge_types[0]];
    const [typeAt, nameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) => edgeFields.indexOf(f)) as [number, number, number];
    const retainers: Array<[number, string] | undefined> = new Array(this.nodeCount);
    let edge = 0;
    for (let node = 0; node < this.nodeCount; node++) {
      for (let k = 0; k < this.field(node, 'edge_count'); k++, edge += edgeFields.length) {
        const type = edgeTypes[edges[edge + typeAt]!]!;
        const target = edges[edge + toAt]! / this.#stride;
        if (type === 'weak' || retainers[target]) continue;
        const name = edges[edge + nameAt]!;
        retainers[target] = [node, type === 'element' || type === 'hidden' ? '[]' : `.${strings[name]}`];
      }
    }
    return retainers;
  }
}

function growth(before: HeapSnapshot, after: HeapSnapshot, per: number): void {
  const totals = (snapshot: HeapSnapshot) => {
    const map = new Map<string, { bytes: number; count: number }>();
    for (let node = 0; node < snapshot.nodeCount; node++) {
      const entry = map.get(snapshot.label(node)) ?? { bytes: 0, count: 0 };
      entry.bytes += snapshot.field(node, 'self_size');
      entry.count++;
      map.set(snapshot.label(node), entry);
    }
    return map;
  };
  const [was, is] = [totals(before), totals(after)];
  const rows = [...is].map(([key, a]) => ({ key, bytes: a.bytes - (was.get(key)?.bytes ?? 0), count: a.count - (was.get(key)?.count ?? 0) }));
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`self size grew by ${(total / 1024).toFixed(0)} KB${per > 1 ? ` = ${(total / per).toFixed(0)} B per unit` : ''}`);
  console.log('  bytes/unit  objects/unit  type:name');
  for (const row of rows.slice(0, 40)) {
    console.log(`  ${(row.bytes / per).toFixed(0).padStart(10)}  ${(row.count / per).toFixed(2).padStart(12)}  ${row.key}`);
  }
}

function retainerPaths(before: HeapSnapshot, after: HeapSnapshot, name: string, depth: number): void {
  const old = new Set<number>();
  for (let node = 0; node < before.nodeCount; node++) old.add(before.field(node, 'id'));
  const retainers = after.firstRetainers();
  const paths = new Map<string, number>();
  for (let node = 0; node < after.nodeCount; node++) {
    if (after.name(node) !== name || old.has(after.field(node, 'id'))) continue;
    const path: string[] = [];
    for (let current = node, step = 0; step < depth && retainers[current]; step++) {
      const [retainer, edge] = retainers[current]!;
      path.push(`${edge} ${after.label(retainer)}`);
      current = retainer;
    }
    const key = path.map((p) => p.replace(/^\.\d+ /, '[] ')).join('  <-  ');
    paths.set(key, (paths.get(key) ?? 0) + 1);
  }
  for (const [path, count] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${String(count).padStart(7)}  ${name} <- ${path}`);
}

const [beforePath, afterPath, ...rest] = process.argv.slice(2);
if (!beforePath || !afterPath) throw new Error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [per | --retainers NAME [depth]]');
const [before, after] = [new HeapSnapshot(beforePath), new HeapSnapshot(afterPath)];
if (rest[0] === '--retainers') retainerPaths(before, after, rest[1] ?? 'Object', Number(rest[2] ?? 5));
else growth(before, after, Number(rest[0] ?? 1));
