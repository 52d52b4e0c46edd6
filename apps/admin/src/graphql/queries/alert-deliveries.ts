import { graphql } from '../graphql.ts';
import { ALERT_DELIVERY_FIELDS } from '../fragments/alert-delivery-fields.ts';

export const ALERT_DELIVERIES_QUERY = graphql(`
  query AlertDeliveries($filter: AlertDeliveryFilter, $page: PageInput) {
    alertDeliveries(filter: $filter, page: $page) {
      total
      items {
        ...AlertDeliveryFields
      }
    }
  }
`, [ALERT_DELIVERY_FIELDS]);
