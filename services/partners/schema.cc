#include "services/partners/schema.h"

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/feed/change_feed.h"
#include "services/partners/partner_store.h"
#include "services/partners/search_index.h"

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

// Consent is a history, never updated: `seq` keeps the order records were
// written in (an INTEGER PRIMARY KEY survives VACUUM, a plain rowid not).
constexpr char kConsentV4[] = R"sql(
CREATE TABLE consent_records (
  seq INTEGER PRIMARY KEY,
  partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  channel INTEGER NOT NULL,
  purpose INTEGER NOT NULL,
  state INTEGER NOT NULL,
  effective_time INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX consent_records_by_partner
  ON consent_records (partner_id, channel, purpose, effective_time DESC, seq DESC);
CREATE INDEX consent_records_by_time ON consent_records (partner_id, effective_time DESC, seq DESC);
)sql";

// Custom field values live in the partner record; this index of them serves
// list filters ("custom_fields.tier = gold") and the in-use checks of
// definition changes. `value` holds text, a real, "YYYY-MM-DD" or 0/1.
constexpr char kCustomFieldsV5[] = R"sql(
CREATE TABLE custom_field_definitions (
  key TEXT NOT NULL PRIMARY KEY,
  revision INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  data BLOB NOT NULL
);

CREATE TABLE partner_custom_values (
  partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  field_key TEXT NOT NULL,
  value,  -- no declared type: no affinity, so "00123" stays text
  PRIMARY KEY (partner_id, field_key)
) WITHOUT ROWID;
CREATE INDEX partner_custom_values_by_value ON partner_custom_values (field_key, value, partner_id);
)sql";

// Lists and search show active partners only (state 1).
constexpr char kPartnerStateV7[] = R"sql(
ALTER TABLE partners ADD COLUMN state INTEGER NOT NULL DEFAULT 1;
)sql";

// Bank accounts for the duplicate check; the rebuild also indexes the
// folded names ("weiss" for "Weiß") that search now holds.
constexpr char kIbansV8[] = R"sql(
CREATE TABLE partner_ibans (
  iban TEXT NOT NULL,
  partner_id TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  PRIMARY KEY (iban, partner_id)
) WITHOUT ROWID;
CREATE INDEX partner_ibans_by_partner ON partner_ibans (partner_id);
)sql";

// Which partner each merged one went into, to find the partners merged into
// a survivor (a later merge or an erasure carries them along).
constexpr char kMergesV9[] = R"sql(
CREATE TABLE partner_merges (
  merged_id TEXT NOT NULL PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
  survivor_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX partner_merges_by_survivor ON partner_merges (survivor_id);
)sql";

}  // namespace

std::vector<db::Migration> Migrations() {
  return {
      {1, "runtime tables and partners",
       absl::StrCat(feed::kOutboxSchema, api::kIdempotencySchema, kPartnersV1)},
      {2, "audit trail", kAuditV2},
      {3, "relationships", kRelationshipsV3},
      {4, "consent", kConsentV4},
      {5, "custom fields", kCustomFieldsV5},
      {6, "full-text search", kSearchIndexSchema, IndexAllPartners},
      {7, "partner state", kPartnerStateV7},
      {8, "bank accounts index, folded names in search", kIbansV8, RebuildPartnerIndexes},
      {9, "merges", kMergesV9},
  };
}

}  // namespace crm::partners
