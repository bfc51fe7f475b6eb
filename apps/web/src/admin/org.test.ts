import { describe, expect, it } from 'vitest';
import { matchesSearch, orgTree } from './org';

const person = (id: number, name: string, supervisorId: number | null) => ({ id, name, email: `${name.toLowerCase()}@demo.pms`, supervisorId });

describe('orgTree', () => {
  it('puts each person under their supervisor, and those without one at the top, in the order given', () => {
    const people = [person(1, 'Admin', null), person(2, 'Alice', 3), person(3, 'Sam', 1), person(4, 'Bob', 3), person(5, 'Loner', null)];
    const names = (nodes: ReturnType<typeof orgTree>): unknown => nodes.map((node) => [node.person.name, names(node.reports)]);
    expect(names(orgTree(people))).toEqual([
      ['Admin', [['Sam', [['Alice', []], ['Bob', []]]]]],
      ['Loner', []],
    ]);
  });

  it('shows a person whose supervisor is not listed at the top', () => {
    expect(orgTree([person(2, 'Alice', 99)]).map((node) => node.person.name)).toEqual(['Alice']);
  });
});

describe('matchesSearch', () => {
  it('finds every word in the name or email, without case', () => {
    const alice = person(2, 'Alice', null);
    expect(matchesSearch(alice, 'ALI demo')).toBe(true);
    expect(matchesSearch(alice, '')).toBe(true);
    expect(matchesSearch(alice, 'bob')).toBe(false);
  });
});
