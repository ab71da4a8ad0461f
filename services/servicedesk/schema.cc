#include "services/servicedesk/schema.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/feed/change_feed.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/knowledge.pb.h"
#include "crm/servicedesk/v1/return.pb.h"
#include "crm/servicedesk/v1/service_order.pb.h"
#include "crm/servicedesk/v1/sla.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"
#include "services/servicedesk/sla_rules.h"

namespace crm::servicedesk {
namespace {

using google::protobuf::Message;

const v1::Ticket& AsTicket(const Message& m) { return static_cast<const v1::Ticket&>(m); }
const v1::KnowledgeArticle& AsArticle(const Message& m) {
  return static_cast<const v1::KnowledgeArticle&>(m);
}
const v1::SparePart& AsPart(const Message& m) { return static_cast<const v1::SparePart&>(m); }
const v1::ServiceOrder& AsOrder(const Message& m) {
  return static_cast<const v1::ServiceOrder&>(m);
}
const v1::ReturnAuthorization& AsReturn(const Message& m) {
  return static_cast<const v1::ReturnAuthorization&>(m);
}
const v1::ServiceContract& AsContract(const Message& m) {
  return static_cast<const v1::ServiceContract&>(m);
}
const v1::SlaPolicy& AsPolicy(const Message& m) { return static_cast<const v1::SlaPolicy&>(m); }

// Published articles are indexed for full-text search (FTS5): the words
// of each field, with the title and keywords weighing most. An article's
// index row is `knowledge_search_rows.row`. Products of articles are rows
// too, so a search can be narrowed to one.
constexpr char kKnowledgeV3[] = R"sql(
CREATE INDEX knowledge_articles_by_time ON knowledge_articles (create_time, id);
CREATE TABLE knowledge_search_rows (
  row INTEGER PRIMARY KEY,
  article_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE knowledge_search USING fts5(
  title, symptoms, cause, solution, keywords,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE knowledge_article_products (
  product TEXT NOT NULL,
  article_id TEXT NOT NULL,
  PRIMARY KEY (product, article_id)
) WITHOUT ROWID;
CREATE TABLE article_solutions (
  article_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (article_id, ticket_id)
) WITHOUT ROWID;
CREATE INDEX article_solutions_by_ticket ON article_solutions (ticket_id);
)sql";

// Reservations say how many of a part an open order holds; confirmations
// are appended to an order, never changed.
constexpr char kFieldServiceV4[] = R"sql(
CREATE INDEX technicians_by_time ON technicians (create_time, id);
CREATE INDEX spare_parts_by_time ON spare_parts (create_time, id);
CREATE INDEX spare_parts_by_product ON spare_parts (product);
CREATE INDEX service_orders_by_time ON service_orders (create_time, id);
CREATE INDEX service_orders_by_customer ON service_orders (customer);
CREATE INDEX service_orders_by_ticket ON service_orders (ticket) WHERE ticket != '';
CREATE INDEX service_orders_by_technician ON service_orders (technician, planned_date, state);
CREATE INDEX service_orders_waiting ON service_orders (parts_status, state, planned_date);
CREATE TABLE part_reservations (
  order_id TEXT NOT NULL,
  spare_part TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (order_id, spare_part)
) WITHOUT ROWID;
CREATE TABLE service_confirmations (
  order_id TEXT NOT NULL REFERENCES service_orders (id),
  confirmation_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (order_id, confirmation_id)
) WITHOUT ROWID;
CREATE INDEX service_confirmations_by_time
  ON service_confirmations (order_id, create_time, confirmation_id);
)sql";

// Which components a service contract covers, to find a component's
// contracts.
constexpr char kServiceContractsV6[] = R"sql(
CREATE INDEX service_contracts_by_time ON service_contracts (create_time, id);
CREATE INDEX service_contracts_by_customer ON service_contracts (customer);
CREATE TABLE contract_components (
  component TEXT NOT NULL,
  contract_id TEXT NOT NULL,
  PRIMARY KEY (component, contract_id)
) WITHOUT ROWID;
CREATE INDEX contract_components_by_contract ON contract_components (contract_id);
)sql";

// How many articles hold each word: suggestions search by a ticket's
// rarest words.
constexpr char kKnowledgeVocabularyV7[] = R"sql(
CREATE VIRTUAL TABLE knowledge_vocabulary USING fts5vocab(knowledge_search, row);
)sql";

constexpr char kReturnsV5[] = R"sql(
CREATE INDEX return_authorizations_by_time ON return_authorizations (create_time, id);
CREATE INDEX return_authorizations_by_component ON return_authorizations (component, state);
CREATE INDEX return_authorizations_by_customer ON return_authorizations (customer);
)sql";

// The columns tickets had in migration 1.
constexpr size_t kTicketColumnsV1 = 7;

// The SLA monitor asks for tickets whose watch time has come, and for the
// next one.
constexpr char kSlaV2[] = R"sql(
CREATE INDEX tickets_first_response_watch ON tickets (first_response_watch)
  WHERE first_response_watch > 0;
CREATE INDEX tickets_resolution_watch ON tickets (resolution_watch) WHERE resolution_watch > 0;
CREATE INDEX tickets_by_sla_calendar ON tickets (sla_calendar) WHERE sla_calendar != '';
CREATE INDEX sla_calendars_by_time ON sla_calendars (create_time, id);
CREATE INDEX sla_policies_by_precedence ON sla_policies (precedence, create_time, id);
CREATE INDEX sla_policies_by_calendar ON sla_policies (calendar);
)sql";

// A ticket's notes and history are appended to, never changed: rows of
// their own, read a page at a time. A new ticket's first event is written
// just before the ticket (its key checked at commit).
constexpr char kTicketsV1[] = R"sql(
CREATE INDEX tickets_by_time ON tickets (create_time, id);
CREATE INDEX tickets_by_customer ON tickets (customer, create_time);
CREATE INDEX tickets_by_status ON tickets (status, priority);
CREATE INDEX tickets_by_agent ON tickets (agent);
CREATE TABLE ticket_notes (
  ticket_id TEXT NOT NULL REFERENCES tickets (id),
  note_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (ticket_id, note_id)
) WITHOUT ROWID;
CREATE INDEX ticket_notes_by_time ON ticket_notes (ticket_id, create_time, note_id);
CREATE TABLE ticket_events (
  ticket_id TEXT NOT NULL REFERENCES tickets (id) DEFERRABLE INITIALLY DEFERRED,
  sequence INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (ticket_id, sequence)
) WITHOUT ROWID;
)sql";

// A serial number is unique per product.
constexpr char kInstalledBaseV1[] = R"sql(
CREATE INDEX installed_components_by_time ON installed_components (create_time, id);
CREATE INDEX installed_components_by_customer ON installed_components (customer);
CREATE INDEX installed_components_by_parent ON installed_components (parent);
CREATE UNIQUE INDEX installed_components_serial_once
  ON installed_components (product, serial_number) WHERE serial_number != '';
CREATE INDEX installed_components_by_serial ON installed_components (serial_number);
CREATE INDEX warranties_by_component ON warranties (component, start_date);
CREATE INDEX warranties_by_time ON warranties (create_time, id);
)sql";

const v1::InstalledComponent& AsComponent(const Message& m) {
  return static_cast<const v1::InstalledComponent&>(m);
}
const v1::Warranty& AsWarranty(const Message& m) { return static_cast<const v1::Warranty&>(m); }

std::string DateText(const google::type::Date& date) {
  return api::IsDateSet(date) ? api::IsoDate(date) : "";
}

}  // namespace

const db::ResourceTable& InstalledComponentTable() {
  static const auto* table = new db::ResourceTable(
      "installed_components", "installedComponents",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsComponent(m).customer(); }},
       {"kind", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsComponent(m).kind()}; }},
       {"product", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsComponent(m).product(); }},
       {"serial_number", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsComponent(m).serial_number(); }},
       {"parent", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsComponent(m).parent(); }}});
  return *table;
}

const db::ResourceTable& WarrantyTable() {
  static const auto* table = new db::ResourceTable(
      "warranties", "warranties",
      {{"component", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsWarranty(m).component(); }},
       {"start_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return DateText(AsWarranty(m).start_date()); }},
       {"end_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return DateText(AsWarranty(m).end_date()); }}});
  return *table;
}

const db::ResourceTable& TicketTable() {
  static const auto* table = new db::ResourceTable(
      "tickets", "tickets",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsTicket(m).customer(); }},
       {"type", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsTicket(m).type()}; }},
       {"status", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsTicket(m).status()}; }},
       {"priority", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsTicket(m).priority()}; }},
       {"category", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsTicket(m).category(); }},
       {"team", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsTicket(m).team(); }},
       {"agent", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsTicket(m).agent(); }},
       // Since migration 2: the service level, and when the SLA monitor
       // must look at the ticket next (0: never).
       {"sla_calendar", "TEXT NOT NULL DEFAULT ''",
        [](const Message& m) -> db::SqlValue { return AsTicket(m).sla().calendar(); }},
       {"first_response_watch", "INTEGER NOT NULL DEFAULT 0",
        [](const Message& m) -> db::SqlValue { return FirstResponseWatchMicros(AsTicket(m)); }},
       {"resolution_watch", "INTEGER NOT NULL DEFAULT 0",
        [](const Message& m) -> db::SqlValue { return ResolutionWatchMicros(AsTicket(m)); }}});
  return *table;
}

const db::ResourceTable& KnowledgeArticleTable() {
  static const auto* table = new db::ResourceTable(
      "knowledge_articles", "knowledgeArticles",
      {{"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsArticle(m).state()}; }}});
  return *table;
}

const db::ResourceTable& TechnicianTable() {
  static const auto* table = new db::ResourceTable("technicians", "technicians", {});
  return *table;
}

const db::ResourceTable& SparePartTable() {
  static const auto* table = new db::ResourceTable(
      "spare_parts", "spareParts",
      {{"product", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsPart(m).product(); }}});
  return *table;
}

const db::ResourceTable& ServiceOrderTable() {
  static const auto* table = new db::ResourceTable(
      "service_orders", "serviceOrders",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsOrder(m).customer(); }},
       {"ticket", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsOrder(m).ticket(); }},
       {"technician", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsOrder(m).technician(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsOrder(m).state()}; }},
       {"parts_status", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsOrder(m).parts_status()}; }},
       {"planned_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return DateText(AsOrder(m).planned_date()); }}});
  return *table;
}

const db::ResourceTable& ReturnAuthorizationTable() {
  static const auto* table = new db::ResourceTable(
      "return_authorizations", "returnAuthorizations",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsReturn(m).customer(); }},
       {"component", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsReturn(m).component(); }},
       {"ticket", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsReturn(m).ticket(); }},
       {"state", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsReturn(m).state()}; }}});
  return *table;
}

const db::ResourceTable& ServiceContractTable() {
  static const auto* table = new db::ResourceTable(
      "service_contracts", "serviceContracts",
      {{"customer", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsContract(m).customer(); }},
       {"start_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return DateText(AsContract(m).start_date()); }},
       {"end_date", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return DateText(AsContract(m).end_date()); }}});
  return *table;
}

const db::ResourceTable& SlaCalendarTable() {
  static const auto* table = new db::ResourceTable("sla_calendars", "slaCalendars", {});
  return *table;
}

const db::ResourceTable& SlaPolicyTable() {
  static const auto* table = new db::ResourceTable(
      "sla_policies", "slaPolicies",
      {{"calendar", "TEXT NOT NULL",
        [](const Message& m) -> db::SqlValue { return AsPolicy(m).calendar(); }},
       {"precedence", "INTEGER NOT NULL",
        [](const Message& m) -> db::SqlValue { return int64_t{AsPolicy(m).precedence()}; }}});
  return *table;
}

std::vector<db::Migration> Migrations() {
  return {
      {1, "runtime tables, tickets, installed base and warranties",
       absl::StrCat(feed::kOutboxSchema, api::kIdempotencySchema,
                    TicketTable().Schema(kTicketColumnsV1), kTicketsV1,
                    InstalledComponentTable().Schema(), WarrantyTable().Schema(),
                    kInstalledBaseV1)},
      {2, "service levels: calendars, policies and the tickets' watch times",
       absl::StrCat(SlaCalendarTable().Schema(), SlaPolicyTable().Schema(),
                    TicketTable().AddColumnSchema("sla_calendar"),
                    TicketTable().AddColumnSchema("first_response_watch"),
                    TicketTable().AddColumnSchema("resolution_watch"), kSlaV2)},
      {3, "knowledge base: articles, their full-text index, solutions",
       absl::StrCat(KnowledgeArticleTable().Schema(), kKnowledgeV3)},
      {4, "field service: technicians, spare parts, service orders, confirmations",
       absl::StrCat(TechnicianTable().Schema(), SparePartTable().Schema(),
                    ServiceOrderTable().Schema(), kFieldServiceV4)},
      {5, "returns and repairs", absl::StrCat(ReturnAuthorizationTable().Schema(), kReturnsV5)},
      {6, "service contracts", absl::StrCat(ServiceContractTable().Schema(), kServiceContractsV6)},
      {7, "knowledge base vocabulary", kKnowledgeVocabularyV7},
  };
}

}  // namespace crm::servicedesk
