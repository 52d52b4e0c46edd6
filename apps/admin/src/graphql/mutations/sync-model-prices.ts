import { graphql } from '../graphql.ts';

export const SYNC_MODEL_PRICES_MUTATION = graphql(`
  mutation SyncModelPrices {
    syncModelPrices {
      catalog
      added
      updated
      unchanged
      manualKept
    }
  }
`);
