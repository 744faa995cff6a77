/**
 * One DNS MX query over UDP (RFC 1035 §4), for the TTL that Node's resolver does not report: MX
 * memory caches each answer as long as the zone says (docs/greylisting-mx.md). Only what that needs:
 * one question, the answer section's MX records with their TTL, name compression followed.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** An MX answer: the exchanges with their preference, and how long it may be cached. */
export interface MxAnswer {
  readonly exchanges: readonly { readonly exchange: string; readonly preference: number }[];
  /** Seconds: the smallest TTL of the MX records; the SOA minimum (or 300) for an empty answer. */
  readonly ttlSeconds: number;
}

const TYPE_MX = 15;
const TYPE_SOA = 6;
const MAX_POINTER_HOPS = 32;

/** Ask `server` (`host:port`) for the MX records of `domain`; rejects on timeout, a bad answer or a server error. */
export function queryMx(
  domain: string,
  server: { host: string; port: number },
  timeoutMs: number,
): Promise<MxAnswer> {
  const id = randomInt(0, 0x1_00_00);
  const query = buildQuery(id, domain);
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(
      () => finish(new Error(`MX ${domain}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref?.();
    function finish(error: Error | undefined, answer?: MxAnswer) {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answer!);
    }
    socket.on('error', (error) => finish(error));
    socket.on('message', (packet) => {
      // Another query's late answer, or a spoof: keep waiting for ours.
      if (packet.length < 12 || packet.readUInt16BE(0) !== id) return;
      try {
        finish(undefined, parseAnswer(packet, domain));
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.send(query, server.port, server.host, (error) => {
      if (error) finish(error);
    });
  });
}

function buildQuery(id: number, domain: string): Buffer {
  const labels = domain.replace(/\.$/, '').split('.');
  const name = Buffer.concat([
    ...labels.map((label) => {
      const bytes = Buffer.from(label, 'ascii');
      if (bytes.length === 0 || bytes.length > 63) throw new Error(`MX ${domain}: not a domain name`);
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    }),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4); // one question
  const question = Buffer.alloc(4);
  question.writeUInt16BE(TYPE_MX, 0);
  question.writeUInt16BE(1, 2); // class IN
  return Buffer.concat([header, name, question]);
}

function parseAnswer(packet: Buffer, domain: string): MxAnswer {
  const flags = packet.readUInt16BE(2);
  const rcode = flags & 0x0f;
  if (flags & 0x0200) throw new Error(`MX ${domain}: the answer was truncated`);
  // NXDOMAIN is an answer: the domain has no MX. Any other error code is the server failing.
  if (rcode !== 0 && rcode !== 3) throw new Error(`MX ${domain}: the DNS server answered rcode ${rcode}`);
  const questions = packet.readUInt16BE(4);
  const answers = packet.readUInt16BE(6);
  const authorities = packet.readUInt16BE(8);
  let offset = 12;
  for (let index = 0; index < questions; index++) offset = readName(packet, offset).next + 4;
  const exchanges: { exchange: string; preference: number }[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  let negativeTtl = 300;
  for (let index = 0; index < answers + authorities; index++) {
    const record = readName(packet, offset);
    const type = packet.readUInt16BE(record.next);
    const recordTtl = packet.readUInt32BE(record.next + 4);
    const length = packet.readUInt16BE(record.next + 8);
    const data = record.next + 10;
    if (index < answers && type === TYPE_MX) {
      exchanges.push({ preference: packet.readUInt16BE(data), exchange: readName(packet, data + 2).name });
      ttl = Math.min(ttl, recordTtl);
    } else if (index >= answers && type === TYPE_SOA) {
      // RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM).
      const mname = readName(packet, data);
      const rname = readName(packet, mname.next);
      negativeTtl = Math.min(recordTtl, packet.readUInt32BE(rname.next + 16));
    }
    offset = data + length;
  }
  return { exchanges, ttlSeconds: exchanges.length > 0 ? ttl : negativeTtl };
}

/** A possibly compressed name at `offset`, lower case, and where the record continues after it. */
function readName(packet: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let offset = start;
  let next: number | undefined;
  for (let hops = 0; hops <= MAX_POINTER_HOPS; ) {
    const length = packet.readUInt8(offset);
    if (length === 0) return { name: labels.join('.').toLowerCase(), next: next ?? offset + 1 };
    if ((length & 0xc0) === 0xc0) {
      next ??= offset + 2;
      offset = packet.readUInt16BE(offset) & 0x3fff;
      hops++;
      continue;
    }
    labels.push(packet.toString('latin1', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  throw new Error('DNS answer: name compression loops');
}
