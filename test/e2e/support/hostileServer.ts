/**
 * A metrics endpoint whose label values and HELP text are the hostile corpus (issue 10),
 * for the inert-text e2e check. Started with a hostile argv[0] and hostile arguments;
 * listens on 127.0.0.1 on a free port and prints `{"port":N}` once listening.
 * Usage: node hostileServer.js <values.json>
 */
import * as fs from 'fs';
import * as http from 'http';

const values = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as string[];
const label = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const help = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const body = [
  `# HELP chat_room_users ${help(values.join(' '))}`,
  '# TYPE chat_room_users gauge',
  ...values.map((v, i) => `chat_room_users{room="${label(v)}"} ${i + 1}`),
  '',
].join('\n');

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(body);
  } else {
    res.writeHead(404).end();
  }
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(JSON.stringify({ port: typeof a === 'object' && a ? a.port : 0 }));
});
