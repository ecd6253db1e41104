// The load of `npm run bench:dns`, run as a process of its own: UDP queries for the names in a file (one
// a line, "NAME TYPE"), picked in turn, to 127.0.0.1:PORT for SECONDS, with at most WINDOW unanswered at
// a time (one unanswered for 500 ms counts as lost and frees its place). Prints one JSON line of counts.
// Bounded by itself: it stops after SECONDS whatever happens.
const dgram = require('node:dgram');
const fs = require('node:fs');
const dnsPacket = require('dns-packet');

const [port, seconds, window, file] = process.argv.slice(2);
const queries = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => {
  const [name, type] = line.split(' ');
  return dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
});
const socket = dgram.createSocket('udp4');
const inflight = new Map();
let next = 0;
let id = 0;
let sent = 0;
let answered = 0;
let answers = 0;
let errors = 0;
let lost = 0;
let done = false;

function send() {
  while (!done && inflight.size < Number(window)) {
    id = (id + 1) & 0xffff;
    if (inflight.has(id)) break;
    const query = queries[next++ % queries.length];
    query.writeUInt16BE(id, 0);
    inflight.set(id, Date.now());
    sent++;
    socket.send(query);
  }
}

socket.on('message', (msg) => {
  const replyId = msg.readUInt16BE(0);
  if (!inflight.delete(replyId)) return;
  answered++;
  if ((msg.readUInt16BE(2) & 0xf) !== 0) errors++;
  answers += msg.readUInt16BE(6);
  send();
});

const sweep = setInterval(() => {
  const old = Date.now() - 500;
  for (const [key, at] of inflight) if (at < old) { inflight.delete(key); lost++; }
  send();
}, 100);

const started = process.hrtime.bigint();
// A connected socket: each send skips the address handling (the generator should cost less than the server).
socket.connect(Number(port), '127.0.0.1', () => send());
setTimeout(() => {
  done = true;
  clearInterval(sweep);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ sent, answered, answers, errors, lost, seconds: elapsed, qps: Math.round(answered / elapsed) })}\n`);
  socket.close();
}, Number(seconds) * 1000);
