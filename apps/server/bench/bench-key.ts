/**
 * The notification key the benchmark's publisher puts in `notification.data.bench`, as a message
 * carrying it reads on the wire: how the server's hand-over and the client's receipt are matched
 * to the publisher's commit.
 */
export const BENCH_KEY = /"bench":(\d+)/;
