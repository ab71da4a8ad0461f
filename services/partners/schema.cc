#include "services/partners/schema.h"

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/feed/change_feed.h"

namespace crm::partners {
namespace {

// The partner itself is kept as its proto (output-only fields cleared), so
// new fields need no migration; the columns and side tables exist for
// filtering, ordering and constraints.
constexpr char kPartnersV1[] = R"sql(
CREATE TABLE partners (
  id TEXT NOT NULL PRIMARY KEY,
  category INTEGER NOT NULL,
  display_name TEXT NOT NULL COLLATE NOCASE,
  industry_code TEXT NOT NULL,
  revision INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX partners_by_display_name ON partners (display_name, id);
CREATE INDEX partners_by_create_time ON partners (create_time, id);
CREATE INDEX partners_by_update_time ON partners (update_time, id);
CREATE INDEX partners_by_industry_code ON partners (industry_code);

CREATE TABLE partner_roles (
  partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  role_type INTEGER NOT NULL,
  customer_class INTEGER NOT NULL,
  PRIMARY KEY (partner_id, role_type)
) WITHOUT ROWID;
CREATE INDEX partner_roles_by_type ON partner_roles (role_type, customer_class, partner_id);

CREATE TABLE partner_addresses (
  partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  country_code TEXT NOT NULL,
  city TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (partner_id, position)
) WITHOUT ROWID;
CREATE INDEX partner_addresses_by_country ON partner_addresses (country_code, partner_id);
CREATE INDEX partner_addresses_by_city ON partner_addresses (city, partner_id);
)sql";

// The audit trail outlives the partner (no foreign key): who changed what
// stays answerable after a delete. The key hashes personal values in it.
constexpr char kAuditV2[] = R"sql(
CREATE TABLE audit_key (
  key BLOB NOT NULL
);
INSERT INTO audit_key (key) VALUES (randomblob(32));

CREATE TABLE partner_audit_events (
  id TEXT NOT NULL PRIMARY KEY,
  partner_id TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  event BLOB NOT NULL
);
CREATE INDEX partner_audit_events_by_partner
  ON partner_audit_events (partner_id, event_time DESC, id DESC);
)sql";

// Days are stored as yyyymmdd numbers, open ends as 0 and 99991231, so
// "valid on" is a plain range check.
constexpr char kRelationshipsV3[] = R"sql(
CREATE TABLE relationships (
  id TEXT NOT NULL PRIMARY KEY,
  type INTEGER NOT NULL,
  partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  related_partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX relationships_by_partner ON relationships (partner_id, type, valid_from);
CREATE INDEX relationships_by_related ON relationships (related_partner_id, type, valid_from);
CREATE INDEX relationships_by_create_time ON relationships (create_time, id);
)sql";

}  // namespace

std::vector<db::Migration> Migrations() {
  return {
      {1, "runtime tables and partners",
       absl::StrCat(feed::kOutboxSchema, api::kIdempotencySchema, kPartnersV1)},
      {2, "audit trail", kAuditV2},
      {3, "relationships", kRelationshipsV3},
  };
}

}  // namespace crm::partners
