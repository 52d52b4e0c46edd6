import { Migration } from '@mikro-orm/migrations';

export class Migration20261130170047_request_log_user_status_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`request_logs\` add index \`request_logs_user_id_status_created_at_index\`(\`user_id\`, \`status\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`request_logs\` drop index \`request_logs_user_id_status_created_at_index\`;`);
  }

}
