import { join } from 'node:path';
import type { AppConfig } from '../config.js';
import { DiskPhotoStore } from './disk-store.js';
import { S3PhotoStore } from './s3-store.js';
import type { PhotoStore } from './store.js';

/** The configured store: files under `<DATA_DIR>/photos`, or an S3-compatible bucket. */
export function createPhotoStore(config: Pick<AppConfig, 'dataDir' | 'photos'>): PhotoStore {
  if (config.photos.storage === 's3') return new S3PhotoStore(config.photos.s3);
  return new DiskPhotoStore(join(config.dataDir, 'photos'));
}
