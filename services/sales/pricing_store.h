// Pricing with what the sales database holds: the products, their tax
// classes, and the price lists and condition records valid on the day.
// PriceItems and the sales documents price the same way through it.
#ifndef CRM_SERVICES_SALES_PRICING_STORE_H_
#define CRM_SERVICES_SALES_PRICING_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/db/database.h"
#include "common/money/money.h"
#include "crm/sales/v1/pricing_service.pb.h"
#include "crm/sales/v1/sales_document.pb.h"
#include "services/sales/pricing_engine.h"

namespace crm::sales {

// One item: the product id and the quantity.
using ItemQuantity = std::pair<std::string, money::Scaled>;

// Prices `items` for `context` into `out` (items in order, and totals).
// An unknown product is NOT_FOUND, a discontinued one FAILED_PRECONDITION
// naming "{items_field}[i].product". An empty currency becomes the first
// product's.
absl::Status PriceStoredItems(db::Connection& c, PricingContext& context,
                              const std::vector<ItemQuantity>& items,
                              const std::string& items_field, v1::PriceItemsResponse* out);

// Prices a quotation's or order's items for `context` and sets each item's
// pricing, the currency, the totals and the pricing date.
template <typename Document>
absl::Status PriceDocument(db::Connection& c, PricingContext& context,
                           const std::vector<ItemQuantity>& items, const std::string& items_field,
                           Document* document) {
  v1::PriceItemsResponse priced;
  if (absl::Status s = PriceStoredItems(c, context, items, items_field, &priced); !s.ok()) {
    return s;
  }
  for (int i = 0; i < document->items_size(); ++i) {
    *document->mutable_items(i)->mutable_pricing() = priced.items(i);
  }
  document->set_currency_code(priced.currency_code());
  *document->mutable_net_total() = priced.net_total();
  *document->mutable_tax_total() = priced.tax_total();
  *document->mutable_gross_total() = priced.gross_total();
  *document->mutable_pricing_date() = context.date;
  return absl::OkStatus();
}

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_PRICING_STORE_H_
