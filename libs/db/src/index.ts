export * from './entities/index.ts';
export { createOrm, upgradeSchema, isMysql, isMysqlUrl, MIGRATIONS_DIR, type CreateOrmOptions, type RelayEntityManager, type RelayOrm } from './orm.ts';
export { catalogColumns, seedModelPrices } from './seed.ts';
export { catalogModelPrices, PRICE_CATALOG, type CatalogPrice, type CatalogTier } from './price-catalog.ts';
export { createScratchDatabase, databaseUrlFor, type ScratchDatabase } from './scratch-database.ts';
export { BACKFILL_USAGE_ACCOUNT_HOURLY } from './migrations/Migration20261130164727_usage_account_hourly.ts';
