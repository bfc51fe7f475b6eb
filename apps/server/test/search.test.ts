/**
 * search.query over HTTP: words and prefixes in goal titles, descriptions and notification
 * messages, ranking and highlights, who finds what (never a goal byId would refuse, never someone
 * else's notification), hostile text, and the indexes in the plans.
 */
import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { goalHits, notificationHits, prefixQueryText, tsQuery } from '@pms/api';
import { addPerson, useDemoServer, type DemoName, type Goal } from './support/goals.js';
import { failure, httpClient, outcome, type Client, type Person } from './support/server.js';

const { server, people } = useDemoServer();
const year = new Date().getUTCFullYear();

type SearchInput = Parameters<Client['search']['query']['query']>[0];
const search = (person: Person, input: SearchInput) => person.api.search.query.query(input);
const goalIds = async (person: Person, q: string, input: Partial<SearchInput> = {}) =>
  (await search(person, { q, kinds: ['goals'], limit: 50, ...input })).goals!.items.map((hit) => hit.id);

/** The goals of the suite, made through the API by the people entitled to. */
const goals = {} as Record<'alices' | 'carols' | 'orgQuarterly' | 'bobs' | 'ninas' | 'markup', Goal>;
let nina: Person;

describe('search', () => {
  it('arranges goals across teams', async () => {
    const { alice, bob, carol, sam, admin } = people;
    goals.alices = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Quarterly revenue review', description: 'Prepare the numbers for the board' });
    goals.carols = await carol.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Quarterly hiring plan', description: 'Two designers by summer' });
    goals.orgQuarterly = await sam.api.goals.create.mutate({ type: 'QUARTERLY', title: 'Quarterly revenue target', year, quarter: 2 });
    goals.bobs = await bob.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Faster builds', description: 'Cut the quarterly release build from an hour to ten minutes' });
    // Someone without a supervisor: administrators approve (and so see) their goals.
    nina = await addPerson(server.url, admin, { email: 'nina@demo.pms', name: 'Nina Newcomer', supervisorId: null });
    goals.ninas = await nina.api.goals.create.mutate({ type: 'INDIVIDUAL', title: 'Quarterly onboarding checklist' });
    goals.markup = await alice.api.goals.create.mutate({ type: 'INDIVIDUAL', title: '<b>Bold</b> \u0002quarterly\u0003 & <script>x</script>' });
  });

  it('finds words and prefixes in titles and descriptions, every word required, case and order aside', async () => {
    const { alice, sam } = people;
    expect(await goalIds(alice, 'quarterly revenue')).toEqual(expect.arrayContaining([goals.alices.id, goals.orgQuarterly.id]));
    expect(await goalIds(alice, 'QUAR rev')).toEqual(expect.arrayContaining([goals.alices.id, goals.orgQuarterly.id]));
    expect(await goalIds(alice, 'rev quar')).toEqual(await goalIds(alice, 'quar rev'));
    expect(await goalIds(alice, 'quar board')).toEqual([goals.alices.id]); // title and description together
    expect(await goalIds(alice, 'numb')).toEqual([goals.alices.id]); // a prefix in the description
    expect(await goalIds(alice, 'quarterly nothinglikethis')).toEqual([]);
    expect(await goalIds(sam, 'release')).toEqual([goals.bobs.id]);
  });

  it('ranks title matches above description ones, and pages through the ranking', async () => {
    const { sam } = people;
    const ranked = (await search(sam, { q: 'quarterly', kinds: ['goals'], limit: 50 })).goals!.items;
    const bobsAt = ranked.findIndex((hit) => hit.id === goals.bobs.id);
    expect(bobsAt).toBe(ranked.length - 1); // the only description-only match comes last
    expect(ranked.slice(0, bobsAt).every((hit) => hit.rank > ranked[bobsAt]!.rank)).toBe(true);

    const paged: number[] = [];
    let cursor: number | null = null;
    do {
      const result = await search(sam, { q: 'quarterly', kinds: ['goals'], limit: 2, cursor });
      paged.push(...result.goals!.items.map((hit) => hit.id));
      cursor = result.goals!.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(ranked.map((hit) => hit.id));
  });

  it('highlights matches as plain-text parts, markup and markers kept as text', async () => {
    const [hit] = (await search(people.alice, { q: 'quar rev', kinds: ['goals'] })).goals!.items.filter((h) => h.id === goals.alices.id);
    expect(hit!.highlight.title).toEqual([
      { text: 'Quarterly', match: true },
      { text: ' ', match: false },
      { text: 'revenue', match: true },
      { text: ' ', match: false },
      { text: 'review', match: true }, // 'rev' is a prefix of review too
    ]);
    const [desc] = (await search(people.alice, { q: 'numbers', kinds: ['goals'] })).goals!.items;
    expect(desc!.highlight.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(['numbers']);
    expect(desc!.highlight.snippet.map((part) => part.text).join('')).toBe('Prepare the numbers for the board');

    // The parser reads <b> and <script> as tags, not words; they stay in the text, as text.
    const [markup] = (await search(people.alice, { q: 'bold', kinds: ['goals'] })).goals!.items;
    expect(markup!.id).toBe(goals.markup.id);
    expect(markup!.highlight.title.map((part) => part.text).join('')).toBe('<b>Bold</b> quarterly & <script>x</script>');
    expect(markup!.highlight.title.filter((part) => part.match).map((part) => part.text)).toEqual(['Bold']);
  });

  it('filters goals by status and type, notifications by read state and type', async () => {
    const { alice, sam } = people;
    expect(await goalIds(alice, 'quarterly', { goalType: 'QUARTERLY' })).toEqual([goals.orgQuarterly.id]);
    expect(await goalIds(alice, 'quarterly', { status: 'PENDING_APPROVAL' })).toEqual(expect.arrayContaining([goals.alices.id, goals.markup.id]));
    expect(await goalIds(alice, 'quarterly', { status: 'PENDING_APPROVAL' })).not.toContain(goals.orgQuarterly.id);

    // Sam was asked to approve Alice's and Bob's goals: "… submitted "Quarterly revenue review" for approval".
    const asked = (await search(sam, { q: 'quarterly submitted', kinds: ['notifications'] })).notifications!.items;
    expect(asked.map((hit) => hit.title)).toContain('Goal awaiting your approval');
    expect(asked.every((hit) => hit.type === 'GOAL_SUBMITTED')).toBe(true);
    await sam.api.notifications.markRead.mutate({ id: asked[0]!.id });
    const unread = (await search(sam, { q: 'quarterly submitted', kinds: ['notifications'], read: 'unread' })).notifications!.items;
    expect(unread.map((hit) => hit.id)).not.toContain(asked[0]!.id);
    const read = (await search(sam, { q: 'quarterly submitted', kinds: ['notifications'], read: 'read' })).notifications!.items;
    expect(read.map((hit) => hit.id)).toEqual([asked[0]!.id]);
    expect((await search(sam, { q: 'quarterly', kinds: ['notifications'], notificationType: 'GOAL_APPROVED' })).notifications!.items).toEqual([]);
    expect(asked[0]!.highlight.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(['submitted', 'Quarterly']);
  });

  it('finds only what each caller may open: every goal found opens with byId, every visible match is found', async () => {
    const everyone: Array<[string, Person]> = [...(Object.keys(people) as DemoName[]).map((name) => [name, people[name]] as [string, Person]), ['nina', nina]];
    const all = Object.values(goals).map((goal) => goal.id);
    const found: Record<string, number[]> = {};
    for (const [name, person] of everyone) {
      const ids = await goalIds(person, 'quarterly');
      found[name] = ids.filter((id) => all.includes(id)).sort((a, b) => a - b);
      const opens = await Promise.all(all.map(async (id) => [id, await outcome(person.api.goals.byId.query({ id }))] as const));
      expect(found[name], name).toEqual(opens.filter(([, result]) => result === 'ok').map(([id]) => id).sort((a, b) => a - b));
      for (const id of ids) expect(await outcome(person.api.goals.byId.query({ id })), `${name} found goal ${id}`).toBe('ok');
    }
    const sorted = (...list: Goal[]) => list.map((goal) => goal.id).sort((a, b) => a - b);
    expect(found).toEqual({
      alice: sorted(goals.alices, goals.orgQuarterly, goals.markup), // her own and the organisation's
      bob: sorted(goals.orgQuarterly, goals.bobs),
      carol: sorted(goals.carols, goals.orgQuarterly),
      dave: sorted(goals.orgQuarterly), // another supervisee of Olivia: not Carol's
      sam: sorted(goals.alices, goals.orgQuarterly, goals.bobs, goals.markup), // his reports'
      olivia: sorted(goals.carols, goals.orgQuarterly), // the other team's supervisor: not Sam's reports'
      admin: sorted(goals.orgQuarterly, goals.ninas), // not the teams' personal goals; those of people without a supervisor
      nina: sorted(goals.orgQuarterly, goals.ninas),
    });
  });

  it("finds the caller's own notifications only", async () => {
    const { alice, sam, olivia } = people;
    const samsHits = (await search(sam, { q: 'submitted', kinds: ['notifications'], limit: 50 })).notifications!.items;
    expect(samsHits.length).toBeGreaterThan(0);
    const recipients = await server.db.selectFrom('notifications').select('recipient_id').where('id', 'in', samsHits.map((hit) => hit.id)).execute();
    expect(new Set(recipients.map((row) => row.recipient_id))).toEqual(new Set([sam.id]));
    // Alice submitted: she was told nothing; Olivia's team is another.
    expect((await search(alice, { q: 'submitted', kinds: ['notifications'] })).notifications!.items).toEqual([]);
    expect((await search(olivia, { q: 'alice', kinds: ['notifications'] })).notifications!.items).toEqual([]);
  });

  it('answers anonymous callers UNAUTHORIZED', async () => {
    expect(await outcome(httpClient(server.url).search.query.query({ q: 'quarterly' }))).toBe('UNAUTHORIZED');
  });

  it('takes hostile text as words (tsquery syntax never reaches PostgreSQL), or refuses it with a 400 naming q', async () => {
    const { alice } = people;
    for (const q of ['a & b | !c :*', '"quarterly', "quarterly'); drop table goals; --", 'quar:*', '(quar', 'quar <-> rev', 'a:A*', 'é\u0301', '𝕏🙂 quar']) {
      const result = await search(alice, { q });
      expect(result.goals, q).not.toBeNull();
    }
    expect(await goalIds(alice, "quarterly'); drop table goals; --")).toEqual([]); // every word required
    expect(await goalIds(alice, '!quarterly')).toEqual(await goalIds(alice, 'quarterly')); // not a negation
    const cases: Array<[SearchInput, string]> = [
      [{ q: '' }, 'q must not be empty'],
      [{ q: '   ' }, 'q must not be empty'],
      [{ q: 'x'.repeat(10_000) }, 'q must be at most 200 characters'],
      [{ q: '!!! & | :*' }, 'q must contain a letter or a number to search for'],
      [{ q: "\\ ' \"" }, 'q must contain a letter or a number to search for'],
      [{ q: 'a\u0000b' }, 'q must not contain NUL characters'],
      [{} as SearchInput, 'q is required'],
      [{ q: 'x', kinds: [] }, 'kinds must name goals, notifications or both'],
      [{ q: 'x', kinds: ['users'] } as never, 'kinds'],
      [{ q: 'x', status: 'DONE' } as never, 'status must be one of'],
      [{ q: 'x', read: 'maybe' } as never, 'read must be one of read, unread'],
      [{ q: 'x', limit: 51 }, 'limit must be between 1 and 50'],
      [{ q: 'x', cursor: 501 }, 'cursor must be between 0 and 500'],
      [{ q: 'x', notificationType: 'NO_SUCH_TYPE' }, 'NO_SUCH_TYPE is not a registered notification type'],
    ];
    for (const [input, message] of cases) {
      const error = await failure(search(alice, input));
      expect(error.data?.code, message).toBe('BAD_REQUEST');
      expect(error.message).toContain(message);
    }
  });

  it('builds prefix queries from words only', () => {
    expect(prefixQueryText("Quar  rev! a&b|!c:* it's")).toBe("'quar':* & 'rev':* & 'a':* & 'b':* & 'c':* & 'it':* & 's':*");
    expect(prefixQueryText('one two three four five six seven eight nine')).toBe(
      "'one':* & 'two':* & 'three':* & 'four':* & 'five':* & 'six':* & 'seven':* & 'eight':*",
    );
  });

  it('uses the GIN indexes (demo data plus a few thousand rows)', async () => {
    const { db } = server;
    const { sam } = people;
    await sql`insert into goals (title, description, type, year, owner_id, creator_id, status)
      select 'Routine goal ' || n, 'Keep the lights on, week ' || n, 'INDIVIDUAL', ${year}, ${people.bob.id}, ${people.bob.id}, 'ACTIVE'
      from generate_series(1, 3000) as n`.execute(db);
    await sql`insert into notifications (recipient_id, type, priority, title, message, expires_at)
      select ${sam.id}, 'GOAL_APPROVED', 'NORMAL', 'Routine notice ' || n, 'Nothing to see, item ' || n, now() + interval '30 days'
      from generate_series(1, 3000) as n`.execute(db);
    await sql`analyze goals`.execute(db);
    await sql`analyze notifications`.execute(db);
    const query = tsQuery(prefixQueryText('quar rev')!);
    const plan = async (compiled: { sql: string; parameters: readonly unknown[] }) => {
      const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    };
    const viewer = { id: sam.id, permissions: [] };
    expect(await plan(goalHits(db, viewer, { query, limit: 10, offset: 0 }).compile())).toContain('goals_search_idx');
    expect(await plan(notificationHits(db, sam.id, { query, limit: 10, offset: 0 }).compile())).toContain('notifications_search_idx');
    expect(await goalIds(sam, 'quar rev')).toEqual(expect.arrayContaining([goals.alices.id, goals.orgQuarterly.id]));
  });
});
