// Benchmark child process: a bare Node TCP relay (127.0.0.1:listen -> 127.0.0.1:target), the floor for any Node gateway's latency.
// Args: targetPort. Prints its listening port; exits on stdin end.
import { connect, createServer } from 'node:net';

const target = Number(process.argv[2]);
const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect({ host: '127.0.0.1', port: target, noDelay: true });
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
