#include "services/sales/schema.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "crm/sales/v1/activity.pb.h"
#include "crm/sales/v1/contract.pb.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "crm/sales/v1/planning.pb.h"
#include "crm/sales/v1/pricing.pb.h"
#include "crm/sales/v1/sales_document.pb.h"
#include "crm/sales/v1/territory.pb.h"
#include "crm/sales/v1/product.pb.h"
#include "services/sales/revenue_store.h"

namespace crm::sales {
namespace {

using google::protobuf::Message;

std::string ValidFrom(const google::type::Date& date) {
  return api::IsDateSet(date) ? api::IsoDate(date) : kOpenStart;
}
std::string ValidTo(const google::type::Date& date) {
  return api::IsDateSet(date) ? api::IsoDate(date) : kOpenEnd;
}

template <typename Resource>
const Resource& As(const Message& m) {
  return static_cast<const Resource&>(m);
}

}  // namespace

const db::ResourceTable& TaxClassTable() {
  static const auto* table = new db::ResourceTable("tax_classes", "taxClasses");
  return *table;
}

const db::ResourceTable& ProductTable() {
  using v1::Product;
  static const auto* table = new db::ResourceTable(
      "products", "products",
      {{"display_name", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Product>(m).display_name(); }},
       {"product_group", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Product>(m).product_group(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<Product>(m).state()}; }},
       {"tax_class", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Product>(m).tax_class(); }}});
  return *table;
}

const db::ResourceTable& PriceListTable() {
  using v1::PriceList;
  static const auto* table = new db::ResourceTable(
      "price_lists", "priceLists",
      {{"currency_code", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<PriceList>(m).currency_code(); }},
       {"price_group", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<PriceList>(m).price_group(); }},
       {"valid_from", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return ValidFrom(As<PriceList>(m).valid_from()); }},
       {"valid_to", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return ValidTo(As<PriceList>(m).valid_to()); }}});
  return *table;
}

const db::ResourceTable& PriceConditionTable() {
  using v1::PriceCondition;
  static const auto* table = new db::ResourceTable(
      "price_conditions", "priceConditions",
      {{"type", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<PriceCondition>(m).type()}; }},
       {"valid_from", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue {
          return ValidFrom(As<PriceCondition>(m).valid_from());
        }},
       {"valid_to", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return ValidTo(As<PriceCondition>(m).valid_to()); }},
       {"scope_product", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<PriceCondition>(m).scope().product(); }},
       {"scope_product_group", "TEXT NOT NULL", [](const Message& m) -> db::SqlValue {
          return As<PriceCondition>(m).scope().product_group();
        }}});
  return *table;
}

const db::ResourceTable& SalesStageTable() {
  using v1::SalesStage;
  static const auto* table = new db::ResourceTable(
      "sales_stages", "salesStages",
      {{"position", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<SalesStage>(m).position()}; }}});
  return *table;
}

// Columns after the first seven came with later migrations.
const db::ResourceTable& OpportunityTable() {
  using v1::Opportunity;
  static const auto* table = new db::ResourceTable(
      "opportunities", "opportunities",
      {{"display_name", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Opportunity>(m).display_name(); }},
       {"account", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Opportunity>(m).account(); }},
       {"owner", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Opportunity>(m).owner(); }},
       {"stage", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Opportunity>(m).stage(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<Opportunity>(m).state()}; }},
       {"close_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue {
          return api::IsoDate(As<Opportunity>(m).close_date());
        }},
       {"source_campaign", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Opportunity>(m).source_campaign(); }},
       // Migration 6:
       {"territory", "TEXT NOT NULL DEFAULT ''",
        [](const Message& m) -> db::SqlValue { return As<Opportunity>(m).territory(); }}});
  return *table;
}
constexpr size_t kOpportunityColumnsV2 = 7;

const db::ResourceTable& ActivityTable() {
  using v1::Activity;
  auto micros = [](const google::protobuf::Timestamp& t) { return api::TimestampToMicros(t); };
  static const auto* table = new db::ResourceTable(
      "activities", "activities",
      {{"type", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<Activity>(m).type()}; }},
       {"status", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<Activity>(m).status()}; }},
       {"owner", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Activity>(m).owner(); }},
       {"opportunity", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Activity>(m).opportunity(); }},
       {"calendar_start", "INTEGER",
        [micros](const Message& m) -> db::SqlValue {
          const Activity& a = As<Activity>(m);
          if (a.has_start_time()) return micros(a.start_time());
          if (a.has_due_time()) return micros(a.due_time());
          return db::SqlValue();
        }},
       {"calendar_end", "INTEGER", [micros](const Message& m) -> db::SqlValue {
          const Activity& a = As<Activity>(m);
          if (a.has_end_time()) return micros(a.end_time());
          if (a.has_due_time()) return micros(a.due_time());
          return db::SqlValue();
        }}});
  return *table;
}

constexpr char kActivitiesV3[] = R"sql(
CREATE TABLE activity_partners (
  activity_id TEXT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
  partner TEXT NOT NULL,
  PRIMARY KEY (activity_id, partner)
) WITHOUT ROWID;
CREATE INDEX activity_partners_by_partner ON activity_partners (partner);
CREATE INDEX activities_by_calendar ON activities (owner, calendar_start);
CREATE INDEX activities_by_opportunity ON activities (opportunity);
CREATE INDEX activities_by_time ON activities (create_time, id);
)sql";

const db::ResourceTable& QuotationTable() {
  using v1::Quotation;
  static const auto* table = new db::ResourceTable(
      "quotations", "quotations",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Quotation>(m).customer(); }},
       {"opportunity", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Quotation>(m).opportunity(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<Quotation>(m).state()}; }},
       {"valid_until", "TEXT NOT NULL", [](const Message& m) -> db::SqlValue {
          return api::IsoDate(As<Quotation>(m).valid_until());
        }}});
  return *table;
}

// Columns after the first four came with later migrations.
const db::ResourceTable& SalesOrderTable() {
  using v1::SalesOrder;
  static const auto* table = new db::ResourceTable(
      "sales_orders", "salesOrders",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<SalesOrder>(m).customer(); }},
       {"opportunity", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<SalesOrder>(m).opportunity(); }},
       {"quotation", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<SalesOrder>(m).quotation(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<SalesOrder>(m).state()}; }},
       // Migration 5:
       {"contract", "TEXT NOT NULL DEFAULT ''",
        [](const Message& m) -> db::SqlValue { return As<SalesOrder>(m).contract(); }},
       // Migration 8:
       {"campaign", "TEXT NOT NULL DEFAULT ''",
        [](const Message& m) -> db::SqlValue { return As<SalesOrder>(m).campaign(); }},
       {"completion_date", "TEXT NOT NULL DEFAULT ''", [](const Message& m) -> db::SqlValue {
          const google::type::Date& date = As<SalesOrder>(m).completion_date();
          return api::IsDateSet(date) ? api::IsoDate(date) : std::string();
        }}});
  return *table;
}
constexpr size_t kSalesOrderColumnsV4 = 4;

const db::ResourceTable& ContractTable() {
  using v1::Contract;
  static const auto* table = new db::ResourceTable(
      "contracts", "contracts",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Contract>(m).customer(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{As<Contract>(m).state()}; }},
       {"valid_from", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return api::IsoDate(As<Contract>(m).valid_from()); }},
       {"valid_to", "TEXT NOT NULL", [](const Message& m) -> db::SqlValue {
          return api::IsoDate(As<Contract>(m).valid_to());
        }}});
  return *table;
}

const db::ResourceTable& TerritoryTable() {
  using v1::Territory;
  static const auto* table = new db::ResourceTable(
      "territories", "territories",
      {{"parent", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Territory>(m).parent(); }},
       {"display_name", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<Territory>(m).display_name(); }}});
  return *table;
}

const db::ResourceTable& TerritoryAssignmentTable() {
  using v1::TerritoryAssignment;
  static const auto* table = new db::ResourceTable(
      "territory_assignments", "territoryAssignments",
      {{"territory", "TEXT NOT NULL", [](const Message& m) -> db::SqlValue {
          return As<TerritoryAssignment>(m).territory();
        }}});
  return *table;
}

constexpr char kTerritoriesV6[] = R"sql(
CREATE INDEX territories_by_parent ON territories (parent, id);
CREATE INDEX territory_assignments_by_territory ON territory_assignments (territory, id);
CREATE INDEX opportunities_by_territory ON opportunities (territory, close_date);
)sql";

const db::ResourceTable& SalesTargetTable() {
  using v1::SalesTarget;
  static const auto* table = new db::ResourceTable(
      "sales_targets", "salesTargets",
      {{"start_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return api::IsoDate(As<SalesTarget>(m).start_date()); }},
       {"end_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return api::IsoDate(As<SalesTarget>(m).end_date()); }},
       {"territory", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<SalesTarget>(m).territory(); }},
       {"sales_rep", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<SalesTarget>(m).sales_rep(); }},
       {"product_group", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return As<SalesTarget>(m).product_group(); }},
       {"currency_code", "TEXT NOT NULL", [](const Message& m) -> db::SqlValue {
          return As<SalesTarget>(m).amount().currency_code();
        }}});
  return *table;
}

const db::ResourceTable& CommissionPlanTable() {
  static const auto* table = new db::ResourceTable("commission_plans", "commissionPlans");
  return *table;
}

constexpr char kPlanningV7[] = R"sql(
CREATE UNIQUE INDEX sales_targets_by_breakdown ON sales_targets
  (start_date, end_date, territory, sales_rep, product_group, currency_code);
CREATE INDEX sales_targets_by_end ON sales_targets (end_date);
)sql";

constexpr char kContractsV5[] = R"sql(
CREATE INDEX contracts_by_customer ON contracts (customer, create_time);
CREATE INDEX contracts_by_time ON contracts (create_time, id);
CREATE INDEX sales_orders_by_contract ON sales_orders (contract);
)sql";

constexpr char kDocumentsV4[] = R"sql(
CREATE INDEX quotations_by_customer ON quotations (customer, create_time);
CREATE INDEX quotations_by_time ON quotations (create_time, id);
CREATE INDEX sales_orders_by_customer ON sales_orders (customer, create_time);
CREATE INDEX sales_orders_by_time ON sales_orders (create_time, id);
CREATE INDEX sales_orders_by_opportunity ON sales_orders (opportunity);
)sql";

namespace {

constexpr char kOrdersV8[] = R"sql(
CREATE INDEX sales_orders_by_campaign ON sales_orders (campaign);
CREATE INDEX sales_orders_by_completion ON sales_orders (completion_date);
)sql";

// Fills the index columns of orders written before they existed.
void RewriteSalesOrders(db::Connection& c) {
  std::vector<std::string> ids;
  SQLite::Statement& select = c.Prepare("SELECT id FROM sales_orders");
  while (select.executeStep()) ids.push_back(select.getColumn(0).getString());
  select.reset();
  for (const std::string& id : ids) {
    auto stored = SalesOrderTable().Load<v1::SalesOrder>(c, id);
    if (stored) SalesOrderTable().Replace(c, id, stored->resource, stored->revision);
  }
}

}  // namespace

// The stage history: append-only, one row per change.
constexpr char kStageChangesV2[] = R"sql(
CREATE TABLE stage_changes (
  opportunity_id TEXT NOT NULL REFERENCES opportunities (id),
  seq INTEGER NOT NULL,
  to_stage TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (opportunity_id, seq)
) WITHOUT ROWID;
CREATE INDEX stage_changes_by_stage ON stage_changes (to_stage);
CREATE UNIQUE INDEX sales_stages_by_position ON sales_stages (position);
CREATE INDEX opportunities_by_owner ON opportunities (owner, close_date);
CREATE INDEX opportunities_by_account ON opportunities (account);
CREATE INDEX opportunities_by_stage ON opportunities (stage);
CREATE INDEX opportunities_by_close_date ON opportunities (close_date);
CREATE INDEX opportunities_by_time ON opportunities (create_time, id);
)sql";

std::vector<db::Migration> Migrations() {
  return {
      {1, "runtime tables, catalogue and pricing",
       absl::StrCat(feed::kOutboxSchema, api::kIdempotencySchema, TaxClassTable().Schema(),
                    ProductTable().Schema(),
                    "CREATE INDEX products_by_group ON products (product_group, id);\n"
                    "CREATE INDEX products_by_tax_class ON products (tax_class);\n",
                    PriceListTable().Schema(),
                    "CREATE INDEX price_lists_by_currency ON price_lists (currency_code, "
                    "valid_from);\n"
                    "CREATE INDEX price_lists_by_time ON price_lists (create_time, id);\n",
                    PriceConditionTable().Schema(),
                    "CREATE INDEX price_conditions_by_scope ON price_conditions "
                    "(scope_product, scope_product_group);\n"
                    "CREATE INDEX price_conditions_by_time ON price_conditions (create_time, id);\n")},
      {2, "sales stages, opportunities and their history",
       absl::StrCat(SalesStageTable().Schema(), OpportunityTable().Schema(kOpportunityColumnsV2),
                    kStageChangesV2)},
      {3, "activities", absl::StrCat(ActivityTable().Schema(), kActivitiesV3)},
      {4, "quotations and sales orders",
       absl::StrCat(QuotationTable().Schema(), SalesOrderTable().Schema(kSalesOrderColumnsV4),
                    kDocumentsV4)},
      {5, "contracts and release orders",
       absl::StrCat(ContractTable().Schema(), SalesOrderTable().AddColumnSchema("contract"),
                    kContractsV5)},
      {6, "territories and account assignments",
       absl::StrCat(TerritoryTable().Schema(), TerritoryAssignmentTable().Schema(),
                    OpportunityTable().AddColumnSchema("territory"), kTerritoriesV6)},
      {7, "sales targets, commission plans and booked revenue",
       absl::StrCat(SalesTargetTable().Schema(), kPlanningV7, CommissionPlanTable().Schema(),
                    kBookedRevenueSchema)},
      {8, "campaign and completion date of sales orders, for marketing's attribution",
       absl::StrCat(SalesOrderTable().AddColumnSchema("campaign"),
                    SalesOrderTable().AddColumnSchema("completion_date"), kOrdersV8),
       RewriteSalesOrders},
  };
}

}  // namespace crm::sales
