/** One stored object: its bytes and the content type it is served with. */
export interface StoredObject {
  body: Buffer;
  contentType: string;
}

/**
 * Where photo files live, by key (`photos/<photoId>/<width>.<format>`). Keys are written once and never change, so
 * any cache may keep what it read; writing a key again replaces it whole, deleting a missing key is no error.
 */
export interface PhotoStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object, or null when the key holds nothing. */
  get(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** Keys are short paths of lower-case letters, digits, dots, dashes and underscores, without `..`. */
const KEY = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*(\/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*)*$/;

/** Throws unless `key` is one a store accepts (the same for every adapter, so none can be asked for `../`). */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.length > 200) throw new Error(`invalid photo store key: ${JSON.stringify(key)}`);
}
