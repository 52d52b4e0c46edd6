import { Migration } from '@mikro-orm/migrations';

export class Migration20261130132134_alerts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`alert_channels\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(128) not null, \`kind\` varchar(16) not null, \`target\` text not null, \`url_hint\` varchar(255) not null, \`enabled\` tinyint(1) not null default true, \`events\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`alert_deliveries\` (\`id\` int unsigned not null auto_increment primary key, \`channel_id\` int not null, \`event_id\` varchar(191) not null, \`event_type\` varchar(32) not null, \`event\` json not null, \`status\` varchar(16) not null default 'pending', \`attempts\` int not null default 0, \`next_attempt_at\` datetime(3) not null, \`claim_token\` varchar(32) null, \`claimed_until\` datetime(3) null, \`last_error\` varchar(1000) null, \`last_attempt_at\` datetime(3) null, \`delivered_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`alert_deliveries\` add index \`alert_deliveries_created_at_index\`(\`created_at\`);`);
    this.addSql(`alter table \`alert_deliveries\` add index \`alert_deliveries_status_next_attempt_at_index\`(\`status\`, \`next_attempt_at\`);`);
    this.addSql(`alter table \`alert_deliveries\` add unique \`alert_deliveries_channel_id_event_id_unique\`(\`channel_id\`, \`event_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`alert_channels\`;`);

    this.addSql(`drop table if exists \`alert_deliveries\`;`);
  }

}
