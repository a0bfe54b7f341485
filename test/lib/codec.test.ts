import { DefaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, PayloadDecryptionError } from '../../lib/temporal/codec.js';

const converter = new DefaultPayloadConverter();
const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });

describe('EncryptionCodec', () => {
  it('encrypts payloads so their content cannot be read, and decrypts them back', async () => {
    const codec = new EncryptionCodec([key('k1', 1)]);
    const plain = converter.toPayload({ email: 'owner@example.com', link: 'https://x/set-password?token=secret' });
    const [sealed] = await codec.encode([plain]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('owner@example.com');
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(converter.fromPayload(await codec.decode([sealed!]).then((p) => p[0]!))).toEqual({ email: 'owner@example.com', link: 'https://x/set-password?token=secret' });
  });

  it('keeps decrypting payloads of a retired key after rotation, and passes unencrypted payloads through', async () => {
    const [old] = await new EncryptionCodec([key('old', 1)]).encode([converter.toPayload('before rotation')]);
    const rotated = new EncryptionCodec([key('new', 2), key('old', 1)]);
    const [fresh] = await rotated.encode([converter.toPayload('after rotation')]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('new');
    const legacy = converter.toPayload('recorded before the codec existed');
    const decoded = await rotated.decode([old!, fresh!, legacy]);
    expect(decoded.map((p) => converter.fromPayload(p))).toEqual(['before rotation', 'after rotation', 'recorded before the codec existed']);
  });

  it('refuses a payload of an unknown key and a tampered one', async () => {
    const [sealed] = await new EncryptionCodec([key('gone', 3)]).encode([converter.toPayload('x')]);
    await expect(new EncryptionCodec([key('k1', 1)]).decode([sealed!])).rejects.toBeInstanceOf(PayloadDecryptionError);
    const codec = new EncryptionCodec([key('gone', 3)]);
    const tampered = { ...sealed!, data: Uint8Array.from(sealed!.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
  });
});
