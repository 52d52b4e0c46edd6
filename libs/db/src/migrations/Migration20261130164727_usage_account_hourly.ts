import { Migration } from '@mikro-orm/migrations';

/** usage_account_hourly rebuilt from request_logs (also used by the bench data generator). */
export const BACKFILL_USAGE_ACCOUNT_HOURLY =
  'insert into `usage_account_hourly` (`hour`, `account_id`, `requests`, `input_tokens`, `output_tokens`, `cache_creation_input_tokens`, `cache_read_input_tokens`, `total_tokens`, `cost`, `base_cost`, `errors`) ' +
  "select date_format(`created_at`, '%Y-%m-%d %H:00:00'), `account_id`, count(*), sum(`input_tokens`), sum(`output_tokens`), sum(`cache_creation_input_tokens`), sum(`cache_read_input_tokens`), " +
  "sum(`total_tokens`), sum(`total_cost`), sum(`base_cost`), sum(case when `status` >= 400 or `outcome` = 'interrupted' then 1 else 0 end) " +
  'from `request_logs` where `account_id` is not null group by 1, 2';

export class Migration20261130164727_usage_account_hourly extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`usage_account_hourly\` (\`hour\` datetime(3) not null, \`account_id\` int unsigned not null, \`requests\` bigint not null default 0, \`input_tokens\` bigint not null default 0, \`output_tokens\` bigint not null default 0, \`cache_creation_input_tokens\` bigint not null default 0, \`cache_read_input_tokens\` bigint not null default 0, \`total_tokens\` bigint not null default 0, \`cost\` bigint not null default 0, \`base_cost\` bigint not null default 0, \`errors\` bigint not null default 0, primary key (\`hour\`, \`account_id\`)) default character set utf8mb4 engine = InnoDB;`);
    // Backfill from the rows already stored; the ingester adds every later row (same transaction as the row).
    this.addSql(BACKFILL_USAGE_ACCOUNT_HOURLY);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`usage_account_hourly\`;`);
  }

}
