import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Inserts `count` preview sites copied from the site `template` (same business, content and prices), slugs
 * `<prefix>-1` … `<prefix>-<count>`, in one statement; answers their ids and slugs in slug-number order.
 */
export async function cloneSites(orm: MikroORM, template: string, prefix: string, count: number): Promise<{ id: string; slug: string }[]> {
  const connection = orm.em.getConnection();
  const columns = (await connection.execute<{ column_name: string }[]>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = 'sites' order by ordinal_position`,
  )).map((c) => c.column_name);
  const copied = columns.map((c) => (c === 'id' ? 'gen_random_uuid()' : c === 'slug' ? `? || '-' || g` : c === 'custom_domain' ? 'null' : `s."${c}"`));
  return connection.execute<{ id: string; slug: string }[]>(
    `insert into sites (${columns.map((c) => `"${c}"`).join(', ')})
     select ${copied.join(', ')} from sites s, generate_series(1, ?) g where s.slug = ? order by g returning id, slug`,
    [prefix, count, template],
  );
}
