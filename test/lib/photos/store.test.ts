import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskPhotoStore } from '../../../lib/photos/disk-store.js';
import { S3PhotoStore } from '../../../lib/photos/s3-store.js';
import type { PhotoStore } from '../../../lib/photos/store.js';
import { startMotoS3, type MotoS3 } from '../../helpers/moto.js';

/** The contract every photo store keeps, run against each adapter. */
function storeContract(name: string, open: () => PhotoStore) {
  describe(`${name} photo store`, () => {
    it('puts, reads with its content type, tells existence and deletes; a missing key is null, deleting it again is no error', async () => {
      const store = open();
      const key = 'photos/0b7e6f0e-1c1a-4d7e-9a55-3f1f8e1c2d3a/640.webp';
      const body = Buffer.from([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 0, 255]);
      expect(await store.exists(key)).toBe(false);
      expect(await store.get(key)).toBeNull();
      await store.put(key, body, 'image/webp');
      expect(await store.exists(key)).toBe(true);
      const read = await store.get(key);
      expect(read?.contentType).toBe('image/webp');
      expect(read?.body.equals(body)).toBe(true);
      await store.put(key, Buffer.from('replaced'), 'image/jpeg');
      expect((await store.get(key))?.body.toString()).toBe('replaced');
      expect((await store.get(key))?.contentType).toBe('image/jpeg');
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
      expect(await store.get(key)).toBeNull();
      await store.delete(key);
    });

    it('keeps keys apart and refuses keys that could leave its place', async () => {
      const store = open();
      await store.put('photos/a/320.jpg', Buffer.from('a'), 'image/jpeg');
      await store.put('photos/b/320.jpg', Buffer.from('b'), 'image/jpeg');
      expect((await store.get('photos/a/320.jpg'))?.body.toString()).toBe('a');
      expect((await store.get('photos/b/320.jpg'))?.body.toString()).toBe('b');
      for (const bad of ['../etc/passwd', 'photos/../../x', '/photos/a', 'photos//a', 'Photos/A.JPG', '']) {
        await expect(store.get(bad)).rejects.toThrow(/invalid photo store key/);
        await expect(store.put(bad, Buffer.from('x'), 'image/jpeg')).rejects.toThrow(/invalid photo store key/);
      }
    });
  });
}

let folder: string;
let moto: MotoS3;
let s3: S3PhotoStore;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'webmagic-photos-'));
  moto = await startMotoS3();
  s3 = new S3PhotoStore(moto.settings);
}, 90_000);

afterAll(async () => {
  s3.close();
  await moto.stop();
  await rm(folder, { recursive: true, force: true });
});

storeContract('local disk', () => new DiskPhotoStore(folder));
storeContract('S3 (moto server)', () => s3);

describe('local disk photo store', () => {
  it('leaves no temporary files behind', async () => {
    const store = new DiskPhotoStore(folder);
    await store.put('photos/c/1024.avif', Buffer.from('c'), 'image/avif');
    expect((await readdir(join(folder, 'photos', 'c'))).sort()).toEqual(['1024.avif', '1024.avif.type']);
  });
});
