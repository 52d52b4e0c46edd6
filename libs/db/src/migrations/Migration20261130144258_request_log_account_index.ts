import { Migration } from '@mikro-orm/migrations';

export class Migration20261130144258_request_log_account_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`request_logs\` add index \`request_logs_account_id_created_at_index\`(\`account_id\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`request_logs\` drop index \`request_logs_account_id_created_at_index\`;`);
  }

}
