/**
 * What a server allocated, by where: reads a sampling heap profile (`BENCH_PROFILE=heap … --cpu-prof
 * DIR` writes `.heapprofile`s; with BENCH_PROFILE_ALL=1 it includes what the GC already collected)
 * and prints the functions that allocated most (self), and the stacks through our own code most
 * of it was allocated under.
 *
 *   npx tsx apps/server/bench/allocations.ts DIR/server-0-19000-sockets.heapprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length !== 1) {
  console.error('usage: allocations.ts FILE.heapprofile [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const { head } = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as { head: HeapNode };

const frameName = ({ functionName, url, lineNumber }: HeapNode['callFrame']) => {
  const file = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(apps|packages)\//, '$1/');
  return url ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName || '(root)';
};
const ours = (url: string) => url.includes('/dist/') && !url.includes('node_modules');

const bySelf = new Map<string, number>();
const byOwnCaller = new Map<string, number>();
let total = 0;
const walk = (node: HeapNode, ownCaller: string) => {
  const name = frameName(node.callFrame);
  const caller = ours(node.callFrame.url) ? name : ownCaller;
  if (node.selfSize) {
    total += node.selfSize;
    bySelf.set(name, (bySelf.get(name) ?? 0) + node.selfSize);
    byOwnCaller.set(caller, (byOwnCaller.get(caller) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, caller);
};
walk(head, '(outside our code)');

const mb = (bytes: number) => (bytes / 1e6).toFixed(1).padStart(7);
const print = (title: string, sizes: Map<string, number>) => {
  console.log(title);
  for (const [name, bytes] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${mb(bytes)} MB ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`${mb(total)} MB sampled`);
print('by the function that allocated:', bySelf);
print('by the innermost function of our own code on the stack:', byOwnCaller);
