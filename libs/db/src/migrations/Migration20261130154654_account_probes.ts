import { Migration } from '@mikro-orm/migrations';

export class Migration20261130154654_account_probes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`accounts\` add \`probe_interval_seconds\` int null, add \`last_probe_at\` datetime(3) null, add \`last_probe_ok\` tinyint(1) null, add \`last_probe_error\` varchar(500) null, add \`last_probe_latency_ms\` int null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`accounts\` drop column \`probe_interval_seconds\`, drop column \`last_probe_at\`, drop column \`last_probe_ok\`, drop column \`last_probe_error\`, drop column \`last_probe_latency_ms\`;`);
  }

}
