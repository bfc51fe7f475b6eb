/** The bench's progress lines, stamped with the time of day. */
export const log = (text: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);
