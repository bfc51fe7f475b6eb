/** What the users screen and the org chart know about people: labels, search, and the tree. */
import type { Permission } from '@pms/shared';

export const PERMISSION_LABELS: Record<Permission, string> = {
  admin: 'Administrator',
  goal_create_yearly: 'Creates yearly goals',
  goal_create_quarterly: 'Creates quarterly goals',
};

interface Person {
  id: number;
  name: string;
  email: string;
  supervisorId: number | null;
}

/** Every word of the search in the name or the email, without case ("ali demo" finds alice@demo.pms). */
export function matchesSearch(person: Person, search: string): boolean {
  const haystack = `${person.name} ${person.email}`.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

export interface OrgNode<T extends Person> {
  person: T;
  reports: Array<OrgNode<T>>;
}

/**
 * Each person under their supervisor, in the order given (the list comes by name). People without
 * one, or whose supervisor is not in the list, are at the top. The server refuses supervisor
 * cycles; a person met again on a path is left out there rather than looped over.
 */
export function orgTree<T extends Person>(people: readonly T[]): Array<OrgNode<T>> {
  const ids = new Set(people.map((person) => person.id));
  const reportsOf = new Map<number, T[]>();
  for (const person of people) {
    if (person.supervisorId === null || !ids.has(person.supervisorId)) continue;
    reportsOf.set(person.supervisorId, [...(reportsOf.get(person.supervisorId) ?? []), person]);
  }
  const grow = (person: T, above: ReadonlySet<number>): OrgNode<T> => {
    const path = new Set(above).add(person.id);
    const reports = (reportsOf.get(person.id) ?? []).filter((report) => !path.has(report.id));
    return { person, reports: reports.map((report) => grow(report, path)) };
  };
  return people.filter((person) => person.supervisorId === null || !ids.has(person.supervisorId)).map((person) => grow(person, new Set()));
}
