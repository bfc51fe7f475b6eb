/** `getNextPageParam` of every keyset-paginated list: the server says where the next page starts (null: no more). */
export const nextCursor = (page: { nextCursor: number | null }) => page.nextCursor;
