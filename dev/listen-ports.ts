import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AppConfig } from '../lib/config.js';

/** A port the run command will listen on, who listens there and the setting that moves it. */
export interface ListenPort {
  service: string;
  host: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  setting: string;
}

/** Whether `host` (with or without a port) is this machine, where the run command starts the service itself. */
export function isLocal(host: string): boolean {
  return /^(127\.0\.0\.1|localhost)(:|$)/.test(host);
}

/** `host:port` split into its parts, `port` when none is given. */
export function hostAndPort(address: string, port: number): { host: string; port: number } {
  const [host = '127.0.0.1', given] = address.split(':');
  return { host, port: given === undefined ? port : Number(given) };
}

/** Every port the run command listens on with `config`; Temporal's only when it starts the dev server itself. */
export function listenPorts(config: AppConfig, startsTemporal: boolean): ListenPort[] {
  const ports: ListenPort[] = [{ service: 'the API', host: config.http.host, port: config.http.port, protocol: 'TCP', setting: 'PORT' }];
  if (config.metrics.apiPort > 0) ports.push({ service: 'the API\'s metrics listener', host: config.metrics.host, port: config.metrics.apiPort, protocol: 'TCP', setting: 'API_METRICS_PORT' });
  if (config.prometheusPort > 0) ports.push({ service: 'the local Prometheus', host: '127.0.0.1', port: config.prometheusPort, protocol: 'TCP', setting: 'PROMETHEUS_PORT' });
  if (config.metrics.workerPort > 0) ports.push({ service: 'the worker\'s metrics listener', host: config.metrics.host, port: config.metrics.workerPort, protocol: 'TCP', setting: 'WORKER_METRICS_PORT' });
  if (config.database.embedded) {
    ports.push({ service: 'embedded PostgreSQL', host: '127.0.0.1', port: Number(new URL(config.database.url).port), protocol: 'TCP', setting: 'DB_EMBEDDED_PORT' });
  }
  if (startsTemporal) {
    ports.push(
      { service: 'the Temporal dev server', ...hostAndPort(config.temporal.address, 7233), protocol: 'TCP', setting: 'TEMPORAL_ADDRESS' },
      { service: 'the Temporal Web UI', host: hostAndPort(config.temporal.address, 7233).host, port: config.temporal.uiPort, protocol: 'TCP', setting: 'TEMPORAL_UI_PORT' },
    );
  }
  const recurrente = new URL(config.recurrente.apiUrl);
  if (isLocal(recurrente.host)) {
    ports.push({ service: 'the simulated Recurrente', host: recurrente.hostname, port: Number(recurrente.port || 80), protocol: 'TCP', setting: 'RECURRENTE_API_URL' });
  }
  if (isLocal(config.postmark.apiHost)) {
    ports.push({ service: 'the fake Postmark', ...hostAndPort(config.postmark.apiHost, 80), protocol: 'TCP', setting: 'POSTMARK_API_HOST' });
  }
  const [dns] = config.dns.servers;
  if (dns && isLocal(dns)) {
    const port = hostAndPort(dns, 53).port;
    ports.push(
      { service: 'the local DNS server', host: '127.0.0.1', port, protocol: 'UDP', setting: 'DNS_SERVERS' },
      { service: 'the local DNS server', host: '127.0.0.1', port, protocol: 'TCP', setting: 'DNS_SERVERS' },
      { service: 'the local DNS server\'s records endpoint', host: '127.0.0.1', port: config.dns.adminPort, protocol: 'TCP', setting: 'DNS_ADMIN_PORT' },
    );
  }
  return ports;
}

/** Whether something else already listens on the port (binding it fails with EADDRINUSE); other errors are left to the service. */
async function isTaken({ host, port, protocol }: ListenPort): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'UDP') {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.close();
        resolve(error.code === 'EADDRINUSE');
      });
      socket.bind(port, host, () => socket.close(() => resolve(false)));
    } else {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
      server.listen(port, host, () => server.close(() => resolve(false)));
    }
  });
}

/** `null` when every port is free, else one sentence naming each taken port, its service and setting, and what to do. */
export async function takenPortsSentence(ports: ListenPort[]): Promise<string | null> {
  const taken: ListenPort[] = [];
  // One at a time: two services given the same port must not see each other's probe.
  for (const listen of ports) if (await isTaken(listen)) taken.push(listen);
  const where = ({ host, port, protocol }: ListenPort) => `${host}:${port}${protocol === 'UDP' ? ' (UDP)' : ''}`;
  const [only] = taken;
  if (!only) return null;
  if (taken.length === 1) {
    return `Port ${where(only)} of ${only.service} is already taken: stop the other stack using it (another "bash dev/run.sh"?) ` +
      `or give ${only.service} a free port with ${only.setting}.`;
  }
  return `Ports already taken: ${taken.map((p) => `${where(p)} (${p.service}, ${p.setting})`).join(', ')}: ` +
    'stop the other stack using them (another "bash dev/run.sh"?) or give those services free ports with the settings named.';
}
