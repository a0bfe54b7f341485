import { createServer, type IncomingMessage, type Server } from 'node:http';
import dns2 from 'dns2';

const { Packet } = dns2;

/** Record types the local server answers. */
export type LocalRecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT';

/** The records of one name, by type. */
export type LocalRecords = Partial<Record<LocalRecordType, string[]>>;

/** A running local authoritative DNS server. */
export interface LocalDnsServer {
  /** `127.0.0.1:<port>`, for DNS_SERVERS. */
  address: string;
  /** Base URL of the HTTP endpoint (`GET /records`, `PUT /records/<name>` with `{"A":[…],"TXT":[…]}`, `DELETE /records/<name>`), when started. */
  adminUrl: string | null;
  setRecords(name: string, records: LocalRecords): void;
  deleteRecords(name: string): void;
  close(): Promise<void>;
}

/** NXDOMAIN: the name does not exist (dns2's typings lack its RCODE table). */
const NXDOMAIN = 3;

const TYPE_CODES: Record<LocalRecordType, number> = { A: Packet.TYPE.A, AAAA: Packet.TYPE.AAAA, CNAME: Packet.TYPE.CNAME, TXT: Packet.TYPE.TXT };

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function answer(name: string, type: LocalRecordType, value: string): dns2.Packet.Resource {
  const base = { name, type: TYPE_CODES[type], class: Packet.CLASS.IN, ttl: 60 };
  const record = type === 'CNAME' ? { ...base, domain: value } : type === 'TXT' ? { ...base, data: value } : { ...base, address: value };
  // dns2 encodes plain objects; its typings ask for its own Resource class.
  return record as unknown as dns2.Packet.Resource;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function isRecords(value: unknown): value is LocalRecords {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).every(([type, values]) =>
    type in TYPE_CODES && Array.isArray(values) && values.every((v) => typeof v === 'string' && v.length <= 255));
}

/**
 * Starts an authoritative DNS server on 127.0.0.1 (UDP and TCP on one port) answering from an in-memory zone,
 * with an optional HTTP endpoint to change the records; used by the run command and the tests in place of real DNS.
 */
export async function startLocalDnsServer(options: { port: number; adminPort?: number; host?: string }): Promise<LocalDnsServer> {
  const host = options.host ?? '127.0.0.1';
  const zone = new Map<string, LocalRecords>();
  const server = dns2.createServer({
    udp: true,
    tcp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      const [question] = request.questions;
      const records = question ? zone.get(normalise(question.name)) : undefined;
      if (!question || !records) {
        response.header.rcode = NXDOMAIN;
        void send(response);
        return;
      }
      const wanted = (Object.keys(TYPE_CODES) as LocalRecordType[]).find((t) => TYPE_CODES[t] === question.type);
      // A name with a CNAME answers it for every type, as a real zone does.
      const type = records.CNAME?.length ? 'CNAME' : wanted;
      for (const value of (type && records[type]) ?? []) response.answers.push(answer(question.name, type as LocalRecordType, value));
      void send(response);
    },
  });
  await server.listen({ udp: { port: options.port, address: host }, tcp: { port: options.port, address: host } });

  let admin: Server | null = null;
  if (options.adminPort !== undefined) {
    admin = createServer((request, response) => {
      const name = normalise(decodeURIComponent((request.url ?? '').replace(/^\/records\/?/, '')));
      const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (!request.url?.startsWith('/records')) return reply(404, { error: 'not_found' });
      if (request.method === 'GET') return reply(200, Object.fromEntries(zone));
      if (request.method === 'DELETE' && name) {
        zone.delete(name);
        return reply(200, { deleted: name });
      }
      if (request.method === 'PUT' && name) {
        readJson(request).then((body) => {
          if (!isRecords(body)) return reply(400, { error: 'invalid_records', message: 'expected {"A"|"AAAA"|"CNAME"|"TXT": [string, …]}' });
          zone.set(name, body);
          return reply(200, { [name]: body });
        }, () => reply(400, { error: 'invalid_json' }));
        return;
      }
      reply(405, { error: 'method_not_allowed' });
    });
    await new Promise<void>((resolve) => admin?.listen(options.adminPort, host, resolve));
  }

  return {
    address: `${host}:${options.port}`,
    adminUrl: options.adminPort === undefined ? null : `http://${host}:${options.adminPort}`,
    setRecords: (name, records) => zone.set(normalise(name), records),
    deleteRecords: (name) => zone.delete(normalise(name)),
    async close() {
      await new Promise<void>((resolve) => (admin ? admin.close(() => resolve()) : resolve()));
      await server.close();
    },
  };
}
