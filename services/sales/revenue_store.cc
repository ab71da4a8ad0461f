#include "services/sales/revenue_store.h"

#include "absl/time/time.h"
#include "common/api/dates.h"
#include "crm/sales/v1/product.pb.h"
#include "services/sales/schema.h"

namespace crm::sales {

const char kBookedRevenueSchema[] = R"sql(
CREATE TABLE booked_revenue (
  sales_order TEXT NOT NULL,
  item INTEGER NOT NULL,
  completion_date TEXT NOT NULL,
  territory TEXT NOT NULL,
  sales_rep TEXT NOT NULL,
  product TEXT NOT NULL,
  product_group TEXT NOT NULL,
  currency_code TEXT NOT NULL,
  net_units INTEGER NOT NULL,
  net_nanos INTEGER NOT NULL,
  PRIMARY KEY (sales_order, item)
) WITHOUT ROWID;
CREATE INDEX booked_revenue_by_date ON booked_revenue (completion_date);
)sql";

void BookRevenue(db::Connection& c, const v1::SalesOrder& order) {
  const std::string date = api::IsoDate(order.completion_date());
  for (int i = 0; i < order.items_size(); ++i) {
    const v1::PricedItem& priced = order.items(i).pricing();
    std::string group = priced.product_group();
    if (group.empty()) {  // priced before items carried their group
      if (auto product = ProductTable().Load<v1::Product>(
              c, priced.product().substr(priced.product().find('/') + 1))) {
        group = product->resource.product_group();
      }
    }
    c.Run(
        "INSERT INTO booked_revenue (sales_order, item, completion_date, territory, sales_rep, "
        "product, product_group, currency_code, net_units, net_nanos) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        {order.name(), int64_t{i}, date, order.territory(), order.sales_rep(), priced.product(),
         group, order.currency_code(), priced.net_amount().units(),
         int64_t{priced.net_amount().nanos()}});
  }
}

std::vector<RevenueFact> LoadRevenue(db::Connection& c, absl::CivilDay first,
                                     absl::CivilDay last) {
  std::vector<RevenueFact> facts;
  SQLite::Statement& select = c.Prepare(
      "SELECT sales_order, item, completion_date, territory, sales_rep, product, product_group, "
      "currency_code, net_units, net_nanos FROM booked_revenue "
      "WHERE completion_date BETWEEN ?1 AND ?2 ORDER BY completion_date, sales_order, item",
      {api::IsoDate(api::DateOf(first)), api::IsoDate(api::DateOf(last))});
  while (select.executeStep()) {
    RevenueFact fact;
    fact.sales_order = select.getColumn(0).getString();
    fact.item = select.getColumn(1).getInt();
    const std::string day = select.getColumn(2).getString();
    absl::ParseCivilTime(day, &fact.completion_date);
    fact.territory = select.getColumn(3).getString();
    fact.sales_rep = select.getColumn(4).getString();
    fact.product = select.getColumn(5).getString();
    fact.product_group = select.getColumn(6).getString();
    fact.currency_code = select.getColumn(7).getString();
    type::v1::Money net;
    net.set_units(select.getColumn(8).getInt64());
    net.set_nanos(select.getColumn(9).getInt());
    fact.net_amount = money::ToNanos(net);
    facts.push_back(std::move(fact));
  }
  return facts;
}

}  // namespace crm::sales
