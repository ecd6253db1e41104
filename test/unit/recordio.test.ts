// RecordIO framing (runtime/common/recordio.ts): "<decimal length>\n<bytes>", as Mesos streams events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRecord, RecordIODecoder, RecordIOError } from '../../runtime/common/recordio';

const text = (records: Buffer[]) => records.map((r) => r.toString('utf8'));

test('encodeRecord writes the byte length, a newline and the JSON', () => {
  assert.equal(encodeRecord({ type: 'HEARTBEAT' }).toString('utf8'), '20\n{"type":"HEARTBEAT"}');
});

test('encodeRecord counts bytes, not characters, for multibyte UTF-8', () => {
  const message = { name: 'tâche-日本-🚀' };
  const json = JSON.stringify(message);
  const encoded = encodeRecord(message);
  const header = encoded.subarray(0, encoded.indexOf(0x0a)).toString('ascii');
  assert.equal(Number(header), Buffer.byteLength(json));
  assert.notEqual(Number(header), json.length, 'the fixture really has multibyte characters');
  assert.equal(encoded.length, header.length + 1 + Buffer.byteLength(json));
});

test('one chunk holding one record decodes to that record', () => {
  const decoder = new RecordIODecoder();
  assert.deepEqual(text(decoder.decode(encodeRecord({ type: 'SUBSCRIBED' }))), ['{"type":"SUBSCRIBED"}']);
  assert.deepEqual(decoder.decode(Buffer.alloc(0)), []);
});

test('many records in one chunk all come out, in order', () => {
  const messages = Array.from({ length: 50 }, (_, i) => ({ type: 'UPDATE', i, pad: 'x'.repeat(i) }));
  const decoder = new RecordIODecoder();
  const records = decoder.decode(Buffer.concat(messages.map(encodeRecord)));
  assert.deepEqual(records.map((r) => JSON.parse(r.toString('utf8'))), messages);
});

test('a record split at every possible byte boundary decodes the same', () => {
  const messages = [{ type: 'OFFERS', note: 'häßlich 日本 🚀' }, { type: 'HEARTBEAT' }, { type: 'RESCIND', offer_id: { value: 'O1' } }];
  const stream = Buffer.concat(messages.map(encodeRecord));
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new RecordIODecoder();
    const records = [...decoder.decode(stream.subarray(0, cut)), ...decoder.decode(stream.subarray(cut))];
    assert.deepEqual(records.map((r) => JSON.parse(r.toString('utf8'))), messages, `cut at byte ${cut}`);
  }
});

test('a stream fed one byte at a time decodes, including multibyte characters', () => {
  const messages = [{ msg: 'ünïcödé ✓' }, { msg: '🚀🚀🚀' }, { msg: '' }];
  const stream = Buffer.concat(messages.map(encodeRecord));
  const decoder = new RecordIODecoder();
  const records: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) records.push(...decoder.decode(stream.subarray(i, i + 1)));
  assert.deepEqual(records.map((r) => JSON.parse(r.toString('utf8'))), messages);
});

test('a partial record is held until the rest arrives', () => {
  const decoder = new RecordIODecoder();
  assert.deepEqual(decoder.decode(Buffer.from('9\n{"a":')), []);
  assert.deepEqual(decoder.decode(Buffer.from('"b"')), []);
  assert.deepEqual(text(decoder.decode(Buffer.from('}5\nhel'))), ['{"a":"b"}']);
  assert.deepEqual(text(decoder.decode(Buffer.from('lo'))), ['hello']);
});

test('a zero-length record decodes to an empty buffer', () => {
  const decoder = new RecordIODecoder();
  const records = decoder.decode(Buffer.from('0\n3\nabc'));
  assert.deepEqual(text(records), ['', 'abc']);
});

test('malformed headers throw RecordIOError', () => {
  const bad = ['abc\n{}', '-1\n', '1 2\n', '\n{}', ' 5\nhello', '5 \nhello', '0x10\n', '12345678901234567890\n'];
  for (const input of bad) {
    const decoder = new RecordIODecoder();
    assert.throws(() => decoder.decode(Buffer.from(input)), RecordIOError, JSON.stringify(input));
  }
});

test('a long run of bytes with no newline is not a length', () => {
  const decoder = new RecordIODecoder();
  assert.deepEqual(decoder.decode(Buffer.from('1234')), [], 'a short header may still be arriving');
  assert.throws(() => decoder.decode(Buffer.from('{"type":"SUBSCRIBED"}')), (e: unknown) => e instanceof RecordIOError && /not a length/.test(e.message));
  assert.throws(() => new RecordIODecoder().decode(Buffer.from('x'.repeat(64))), RecordIOError);
});

test('a record longer than the limit throws before its bytes are buffered', () => {
  const decoder = new RecordIODecoder(100);
  assert.deepEqual(text(decoder.decode(Buffer.from('100\n' + 'a'.repeat(100)))), ['a'.repeat(100)]);
  assert.throws(() => decoder.decode(Buffer.from('101\n')), (e: unknown) => e instanceof RecordIOError && /101 bytes exceeds the limit/.test(e.message));
});

test('the default limit rejects absurd lengths', () => {
  assert.throws(() => new RecordIODecoder().decode(Buffer.from('9999999999999\n')), RecordIOError);
});
