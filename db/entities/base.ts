import { randomUUID } from 'node:crypto';
import { p } from '@mikro-orm/core';

/** Primary key and timestamps every table shares. */
export const baseProperties = {
  id: p.uuid().primary().onCreate(() => randomUUID()),
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
};

/** Primary key and creation time for append-only tables. */
export const appendOnlyProperties = {
  id: p.uuid().primary().onCreate(() => randomUUID()),
  createdAt: p.datetime().onCreate(() => new Date()),
};
