export * from './entities/index.ts';
export { createOrm, upgradeSchema, isMysql, isMysqlUrl, MIGRATIONS_DIR, type CreateOrmOptions, type RelayOrm } from './orm.ts';
export { seedModelPrices } from './seed.ts';
export { createScratchDatabase, databaseUrlFor, type ScratchDatabase } from './scratch-database.ts';
