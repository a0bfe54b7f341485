import { Migration } from '@mikro-orm/migrations';

export class Migration20261206203000_preview_batch_photos extends Migration {

  override name = 'Migration20261206203000_preview_batch_photos';

  override up(): void | Promise<void> {
    this.addSql(`create table "preview_batch_photos" ("id" uuid not null, "created_at" timestamptz not null, "batch_id" uuid not null, "name" varchar(255) not null, "storage_key" varchar(255) not null, "bytes" int not null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "preview_batch_photos" add constraint "preview_batch_photos_batch_id_name_unique" unique ("batch_id", "name");`);
    this.addSql(`alter table "preview_batch_photos" add constraint "preview_batch_photos_batch_id_foreign" foreign key ("batch_id") references "preview_batches" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "preview_batch_photos" cascade;`);
  }

}
