#include "services/sales/pricing_store.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/paging.h"
#include "common/errors.h"
#include "services/sales/schema.h"

namespace crm::sales {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// Everything in `table` matching `where`, by id.
template <typename Resource>
std::vector<Resource> LoadAll(db::Connection& c, const db::ResourceTable& table,
                              const db::SqlFragment& where) {
  static const api::OrderBy by_id{{{"id", false, false}}};
  return table.List<Resource>(c, where, by_id, {}, 1'000'000).resources;
}

// The conditions that can apply to any of `items` on `day`: those for one
// of its products, and those for no product but maybe its group.
std::vector<v1::PriceCondition> CandidateConditions(db::Connection& c,
                                                    const std::vector<ItemToPrice>& items,
                                                    const std::string& day) {
  std::set<std::string> products, groups = {""};
  for (const ItemToPrice& item : items) {
    products.insert(item.product.name());
    groups.insert(item.product.product_group());
  }
  db::SqlFragment scope{"valid_from <= ? AND valid_to >= ? AND (scope_product IN (", {day, day}};
  auto add_list = [&scope](const std::set<std::string>& values) {
    bool first = true;
    for (const std::string& value : values) {
      scope.sql += first ? "?" : ", ?";
      scope.params.emplace_back(value);
      first = false;
    }
  };
  add_list(products);
  scope.sql += ") OR (scope_product = '' AND scope_product_group IN (";
  add_list(groups);
  scope.sql += ")))";
  return LoadAll<v1::PriceCondition>(c, PriceConditionTable(), scope);
}

}  // namespace

absl::Status PriceStoredItems(db::Connection& c, PricingContext& context,
                              const std::vector<ItemQuantity>& items,
                              const std::string& items_field, v1::PriceItemsResponse* out) {
  std::vector<ItemToPrice> to_price;
  std::map<std::string, money::Scaled> tax_rates;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string field = absl::StrCat(items_field, "[", i, "].product");
    const std::string name = absl::StrCat(ProductTable().collection(), "/", items[i].first);
    auto product = ProductTable().Load<v1::Product>(c, items[i].first);
    if (!product) return NotFound(name);
    if (product->resource.state() == v1::PRODUCT_STATE_DISCONTINUED) {
      return FailedPrecondition("DISCONTINUED", field,
                                absl::StrCat(name, " is discontinued and cannot be sold"));
    }
    const std::string& tax_class = product->resource.tax_class();
    if (tax_rates.count(tax_class) == 0) {
      auto stored = TaxClassTable().Load<v1::TaxClass>(c, IdOf(tax_class));
      // Tax classes in use cannot be deleted, so this is a broken file.
      if (!stored) return absl::InternalError(absl::StrCat(tax_class, " is missing"));
      tax_rates[tax_class] = money::ToScaled(stored->resource.rate_percent(), 4).value_or(0);
    }
    to_price.push_back({std::move(product->resource), tax_rates[tax_class], items[i].second});
  }
  if (context.currency_code.empty() && !to_price.empty()) {
    context.currency_code = to_price.front().product.list_price().currency_code();
  }
  const std::string day = api::IsoDate(context.date);
  const std::vector<v1::PriceList> lists = LoadAll<v1::PriceList>(
      c, PriceListTable(),
      {"currency_code = ? AND valid_from <= ? AND valid_to >= ?", {context.currency_code, day, day}});
  const std::vector<v1::PriceCondition> conditions = CandidateConditions(c, to_price, day);
  out->set_currency_code(context.currency_code);
  for (size_t i = 0; i < to_price.size(); ++i) {
    absl::StatusOr<v1::PricedItem> priced = PriceItem(context, to_price[i], lists, conditions,
                                                      absl::StrCat(items_field, "[", i, "]"));
    if (!priced.ok()) return priced.status();
    *out->add_items() = *std::move(priced);
  }
  return SumTotals(out);
}

}  // namespace crm::sales
