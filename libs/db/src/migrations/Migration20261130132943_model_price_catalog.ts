import { Migration } from '@mikro-orm/migrations';

export class Migration20261130132943_model_price_catalog extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`model_prices\` add \`cache_write1h\` bigint null, add \`tier_above_input_tokens\` int null, add \`tier_input\` bigint null, add \`tier_output\` bigint null, add \`tier_cache_write\` bigint null, add \`tier_cache_read\` bigint null, add \`tier_cache_write1h\` bigint null, add \`source\` varchar(16) not null default 'MANUAL';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`model_prices\` drop column \`cache_write1h\`, drop column \`tier_above_input_tokens\`, drop column \`tier_input\`, drop column \`tier_output\`, drop column \`tier_cache_write\`, drop column \`tier_cache_read\`, drop column \`tier_cache_write1h\`, drop column \`source\`;`);
  }

}
