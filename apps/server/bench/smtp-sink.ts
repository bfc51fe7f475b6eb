/** bench:email's SMTP server: accepts every mail (reading it whole) and answers `count` over IPC. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo;
  process.send!({ url: `smtp://127.0.0.1:${port}` });
});
process.on('message', () => process.send!(accepted));
process.on('disconnect', () => process.exit(0));
