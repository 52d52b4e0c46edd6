import { Migration } from '@mikro-orm/migrations';

export class Migration20261130154511_account_groups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`account_groups\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(128) not null, \`description\` varchar(512) null, \`account_ids\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`account_groups\` add unique \`account_groups_name_unique\`(\`name\`);`);

    this.addSql(`alter table \`users\` add \`account_group_id\` int null, add \`account_ids\` json null;`);
    this.addSql(`alter table \`users\` add index \`users_account_group_id_index\`(\`account_group_id\`);`);

    this.addSql(`alter table \`api_keys\` add \`account_group_id\` int null, add \`account_ids\` json null, add \`model_mapping\` json null, add \`allowed_clients\` json null;`);
    this.addSql(`alter table \`api_keys\` add index \`api_keys_account_group_id_index\`(\`account_group_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`account_groups\`;`);

    this.addSql(`alter table \`api_keys\` drop index \`api_keys_account_group_id_index\`;`);
    this.addSql(`alter table \`api_keys\` drop column \`account_group_id\`, drop column \`account_ids\`, drop column \`model_mapping\`, drop column \`allowed_clients\`;`);

    this.addSql(`alter table \`users\` drop index \`users_account_group_id_index\`;`);
    this.addSql(`alter table \`users\` drop column \`account_group_id\`, drop column \`account_ids\`;`);
  }

}
