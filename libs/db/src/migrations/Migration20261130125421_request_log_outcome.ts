import { Migration } from '@mikro-orm/migrations';

export class Migration20261130125421_request_log_outcome extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`request_logs\` add \`outcome\` varchar(16) not null default 'completed';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`request_logs\` drop column \`outcome\`;`);
  }

}
