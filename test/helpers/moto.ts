import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './ports.js';

/** moto's S3-protocol server, installed by dev/install-moto.sh (dev/bootstrap.sh runs it). */
export const MOTO_SERVER = '.tools/moto/bin/moto_server';

/** A running moto server with one empty bucket, and the settings that point the S3 photo store at it. */
export interface MotoS3 {
  settings: { endpoint: string; region: string; bucket: string; forcePathStyle: boolean; accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts `moto_server` on a free port, waits until it answers, and creates a bucket. */
export async function startMotoS3(bucket = 'webmagic-photos'): Promise<MotoS3> {
  if (!existsSync(MOTO_SERVER)) throw new Error(`${MOTO_SERVER} is missing: run bash dev/install-moto.sh`);
  const port = await freePort();
  const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = { endpoint, region: 'us-east-1', bucket, forcePathStyle: true, accessKeyId: 'moto-test-key', secretAccessKey: 'moto-test-secret' };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`moto_server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const client = new S3Client({ endpoint, region: settings.region, forcePathStyle: true, credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    settings,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
