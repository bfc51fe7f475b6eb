import pg from 'pg';

/** The same server's URL with another database name: for creating, cloning and dropping databases. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one statement on its own short-lived connection (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // a lost connection fails the query below; unheard, its 'error' would end the process
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
