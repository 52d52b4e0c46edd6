import { Migration } from '@mikro-orm/migrations';

export class Migration20261126061313_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`accounts\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(128) not null, \`platform\` varchar(32) not null, \`credentials\` text not null, \`credential_hint\` varchar(16) not null, \`base_url\` varchar(512) null, \`priority\` int not null default 50, \`schedulable\` tinyint(1) not null default true, \`status\` varchar(16) not null default 'ACTIVE', \`status_reason\` text null, \`supported_models\` json null, \`model_mapping\` json not null, \`concurrency\` int null, \`egress_proxy\` text null, \`egress_proxy_hint\` varchar(128) null, \`settings\` json not null, \`last_used_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`audit_logs\` (\`id\` int unsigned not null auto_increment primary key, \`actor_id\` int null, \`actor_name\` varchar(64) not null, \`action\` varchar(64) not null, \`target_type\` varchar(64) not null, \`target_id\` varchar(64) null, \`before\` json null, \`after\` json null, \`ip\` varchar(64) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_logs\` add index \`audit_logs_created_at_index\`(\`created_at\`);`);

    this.addSql(`create table \`model_prices\` (\`id\` int unsigned not null auto_increment primary key, \`model\` varchar(128) not null, \`platform\` varchar(32) null, \`input\` bigint not null, \`output\` bigint not null, \`cache_write\` bigint not null, \`cache_read\` bigint not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`model_prices\` add unique \`model_prices_model_platform_unique\`(\`model\`, \`platform\`);`);

    this.addSql(`create table \`oauth_sessions\` (\`id\` varchar(64) not null, \`kind\` varchar(16) not null, \`code_verifier\` text not null, \`state\` varchar(64) not null, \`redirect_uri\` varchar(512) not null, \`scope\` varchar(512) not null, \`created_by\` int not null, \`expires_at\` datetime(3) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`request_logs\` (\`id\` bigint unsigned not null auto_increment primary key, \`request_id\` varchar(64) not null, \`user_id\` int not null, \`api_key_id\` int not null, \`account_id\` int null, \`platform\` varchar(32) null, \`model\` varchar(128) not null, \`upstream_model\` varchar(128) not null, \`endpoint\` varchar(128) not null, \`stream\` tinyint(1) not null, \`status\` int not null, \`error_type\` varchar(64) null, \`input_tokens\` int not null default 0, \`output_tokens\` int not null default 0, \`cache_creation_input_tokens\` int not null default 0, \`cache_read_input_tokens\` int not null default 0, \`total_tokens\` int not null default 0, \`input_cost\` bigint not null default 0, \`output_cost\` bigint not null default 0, \`total_cost\` bigint not null default 0, \`base_input_cost\` bigint not null default 0, \`base_output_cost\` bigint not null default 0, \`base_cost\` bigint not null default 0, \`price_rate\` decimal(10,4) not null default 1.0000, \`price_input\` bigint not null default 0, \`price_output\` bigint not null default 0, \`price_cache_write\` bigint not null default 0, \`price_cache_read\` bigint not null default 0, \`latency_ms\` int not null default 0, \`first_token_ms\` int null, \`attempts\` int not null default 1, \`client_ip\` varchar(64) null, \`user_agent\` varchar(512) null, \`created_at\` datetime(3) not null, \`finished_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`request_logs\` add unique \`request_logs_request_id_unique\`(\`request_id\`);`);
    this.addSql(`alter table \`request_logs\` add index \`request_logs_model_created_at_index\`(\`model\`, \`created_at\`);`);
    this.addSql(`alter table \`request_logs\` add index \`request_logs_created_at_index\`(\`created_at\`);`);
    this.addSql(`alter table \`request_logs\` add index \`request_logs_api_key_id_created_at_index\`(\`api_key_id\`, \`created_at\`);`);
    this.addSql(`alter table \`request_logs\` add index \`request_logs_user_id_created_at_index\`(\`user_id\`, \`created_at\`);`);

    this.addSql(`create table \`settings\` (\`key\` varchar(64) not null, \`value\` json null, primary key (\`key\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`usage_daily\` (\`id\` int unsigned not null auto_increment primary key, \`day\` char(10) not null, \`user_id\` int not null, \`api_key_id\` int not null, \`model\` varchar(128) not null, \`requests\` bigint not null default 0, \`input_tokens\` bigint not null default 0, \`output_tokens\` bigint not null default 0, \`cache_creation_input_tokens\` bigint not null default 0, \`cache_read_input_tokens\` bigint not null default 0, \`total_tokens\` bigint not null default 0, \`cost\` bigint not null default 0, \`base_cost\` bigint not null default 0) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`usage_daily\` add index \`usage_daily_day_index\`(\`day\`);`);
    this.addSql(`alter table \`usage_daily\` add index \`usage_daily_user_id_day_index\`(\`user_id\`, \`day\`);`);
    this.addSql(`alter table \`usage_daily\` add unique \`usage_daily_day_user_id_api_key_id_model_unique\`(\`day\`, \`user_id\`, \`api_key_id\`, \`model\`);`);

    this.addSql(`create table \`users\` (\`id\` int unsigned not null auto_increment primary key, \`username\` varchar(64) not null, \`password_hash\` varchar(255) not null, \`role\` varchar(16) not null default 'USER', \`status\` varchar(16) not null default 'ACTIVE', \`price_rate\` decimal(10,4) not null default 1.0000, \`max_api_keys\` int null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`users\` add unique \`users_username_unique\`(\`username\`);`);

    this.addSql(`create table \`sessions\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`token_hash\` char(64) not null, \`expires_at\` datetime(3) not null, \`last_seen_at\` datetime(3) not null, \`ip\` varchar(64) null, \`user_agent\` varchar(512) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sessions\` add index \`sessions_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`sessions\` add unique \`sessions_token_hash_unique\`(\`token_hash\`);`);

    this.addSql(`create table \`api_keys\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`name\` varchar(128) not null, \`key_hash\` char(64) not null, \`key_prefix\` varchar(24) not null, \`enabled\` tinyint(1) not null default true, \`allowed_platforms\` json null, \`allowed_models\` json null, \`rpm\` int null, \`tpm\` int null, \`concurrency\` int null, \`daily_cost_limit\` bigint null, \`total_cost_limit\` bigint null, \`expires_at\` datetime(3) null, \`request_count\` bigint not null default 0, \`tokens_used\` bigint not null default 0, \`cost_used\` bigint not null default 0, \`last_used_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`api_keys\` add index \`api_keys_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`api_keys\` add unique \`api_keys_key_hash_unique\`(\`key_hash\`);`);

    this.addSql(`create table \`access_tokens\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`name\` varchar(128) not null, \`token_hash\` char(64) not null, \`token_prefix\` varchar(24) not null, \`expires_at\` datetime(3) null, \`last_used_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`access_tokens\` add index \`access_tokens_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`access_tokens\` add unique \`access_tokens_token_hash_unique\`(\`token_hash\`);`);

    this.addSql(`alter table \`sessions\` add constraint \`sessions_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`api_keys\` add constraint \`api_keys_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`access_tokens\` add constraint \`access_tokens_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`sessions\` drop foreign key \`sessions_user_id_foreign\`;`);

    this.addSql(`alter table \`api_keys\` drop foreign key \`api_keys_user_id_foreign\`;`);

    this.addSql(`alter table \`access_tokens\` drop foreign key \`access_tokens_user_id_foreign\`;`);

    this.addSql(`drop table if exists \`accounts\`;`);

    this.addSql(`drop table if exists \`audit_logs\`;`);

    this.addSql(`drop table if exists \`model_prices\`;`);

    this.addSql(`drop table if exists \`oauth_sessions\`;`);

    this.addSql(`drop table if exists \`request_logs\`;`);

    this.addSql(`drop table if exists \`settings\`;`);

    this.addSql(`drop table if exists \`usage_daily\`;`);

    this.addSql(`drop table if exists \`users\`;`);

    this.addSql(`drop table if exists \`sessions\`;`);

    this.addSql(`drop table if exists \`api_keys\`;`);

    this.addSql(`drop table if exists \`access_tokens\`;`);
  }

}
