// The pricing engine: given a product, a quantity, the customer's facts and
// the candidate price lists and condition records, the priced item with
// every step explained. Pure: storage and the partners call are the
// service's.
//
// Per item:
//  1. The list price: the product's, when in the document currency.
//  2. The base price: the best price list with an entry for the product
//     (document currency, the customer's price group or none, valid on the
//     day; highest priority, then latest valid_from), then the best PRICE
//     condition (highest priority, then latest valid_from).
//  3. Discounts and surcharges, highest priority first, percentages of the
//     base price; after an exclusive one applies, lower priorities do not.
//  4. Net unit price (not below zero), net amount rounded to the minor
//     unit, tax from the tax class on the net amount, margin against the
//     cost price.
// Ties are broken by resource name, so the same inputs price the same way.
#ifndef CRM_SERVICES_SALES_PRICING_ENGINE_H_
#define CRM_SERVICES_SALES_PRICING_ENGINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/money/money.h"
#include "crm/partners/v1/partner.pb.h"
#include "crm/sales/v1/pricing.pb.h"
#include "crm/sales/v1/pricing_service.pb.h"
#include "crm/sales/v1/product.pb.h"
#include "google/type/date.pb.h"

namespace crm::sales {

// What pricing needs to know about the customer (from partners).
struct CustomerFacts {
  // Every name the customer goes by: the one asked for and, after a merge,
  // the survivor's; conditions for either apply.
  std::vector<std::string> names;
  partners::v1::CustomerClass customer_class = partners::v1::CUSTOMER_CLASS_UNSPECIFIED;
  std::string price_group;
  std::string industry_code;
};

// The document being priced.
struct PricingContext {
  std::string currency_code;
  google::type::Date date;
  std::string campaign;  // "campaigns/{id}" or empty
  std::optional<CustomerFacts> customer;
};

struct ItemToPrice {
  v1::Product product;  // with its name
  money::Scaled tax_rate_percent = 0;
  money::Scaled quantity = 0;
};

// The customer facts pricing reads from a partner record.
CustomerFacts CustomerFactsOf(const std::string& asked_name, const partners::v1::Partner& partner);

// Prices one item. `price_lists` and `conditions` may hold any candidates:
// the engine applies only those valid on the day, in the currency and
// matching the item. FAILED_PRECONDITION (subject `field`) when the item
// has no price in the document currency.
absl::StatusOr<v1::PricedItem> PriceItem(const PricingContext& context, const ItemToPrice& item,
                                         const std::vector<v1::PriceList>& price_lists,
                                         const std::vector<v1::PriceCondition>& conditions,
                                         const std::string& field);

// Fills the response's totals from its items.
absl::Status SumTotals(v1::PriceItemsResponse* response);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_PRICING_ENGINE_H_
