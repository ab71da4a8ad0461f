// SQL for partners. Every function takes the connection it runs on: the
// caller decides the transaction (a read snapshot or a group-commit write).
#ifndef CRM_SERVICES_PARTNERS_PARTNER_STORE_H_
#define CRM_SERVICES_PARTNERS_PARTNER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/filter.h"
#include "common/api/paging.h"
#include "common/db/database.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

// A partner as stored, with the version that makes its etag.
struct StoredPartner {
  v1::Partner partner;  // complete, output-only fields filled in
  int64_t revision = 0;
};

struct ListQuery {
  db::SqlFragment where;       // compiled filter
  api::OrderBy order;
  std::vector<db::SqlValue> after;  // order-key values of the last row seen; empty: first page
  int limit = 50;
};

struct ListPage {
  std::vector<v1::Partner> partners;
  // Order-key values of the last partner, when there are more pages.
  std::optional<std::vector<db::SqlValue>> next_after;
};

// Filter fields and order fields clients may use on ListPartners.
const std::vector<api::FilterField>& PartnerFilterFields();
// The built-in filter fields and "custom_fields.<key>" for each custom field
// defined now.
std::vector<api::FilterField> PartnerFilterFields(db::Connection& c);
const std::vector<api::OrderField>& PartnerOrderFields();
api::OrderKey PartnerTiebreaker();

// Active (not erased or merged); an unset state counts as active.
inline bool IsActive(const v1::Partner& partner) {
  return partner.state() == v1::PARTNER_STATE_ACTIVE ||
         partner.state() == v1::PARTNER_STATE_UNSPECIFIED;
}

// FAILED_PRECONDITION unless the partner is active: erased and merged
// partners take no more writes.
absl::Status RequireActive(const v1::Partner& partner);

std::optional<StoredPartner> LoadPartner(db::Connection& c, const std::string& id);

// Inserts a new partner (`partner.name` set) at revision 1.
void InsertPartner(db::Connection& c, const std::string& id, const v1::Partner& partner);

// Replaces a partner with `partner` at `revision`.
void ReplacePartner(db::Connection& c, const std::string& id, const v1::Partner& partner,
                    int64_t revision);

void DeletePartner(db::Connection& c, const std::string& id);

ListPage ListPartners(db::Connection& c, const ListQuery& query);

// Active partners of `category` with a bank account of `iban`.
std::vector<v1::Partner> PartnersWithIban(db::Connection& c, const std::string& iban,
                                          int category, int limit);

// Ids of the partners merged into `survivor_id`.
std::vector<std::string> PartnersMergedInto(db::Connection& c, const std::string& survivor_id);

// Rewrites every side table and the search index from the stored partners;
// for migrations that add or change one.
void RebuildPartnerIndexes(db::Connection& c);

struct SearchHit {
  v1::Partner partner;
  double relevance;  // higher is better
};

// Partners matching the FTS5 `match` and the compiled filter `where`, best
// first, skipping `offset`; at most `limit` + 1 (the extra one tells that
// there are more).
std::vector<SearchHit> SearchPartners(db::Connection& c, const std::string& match,
                                      const db::SqlFragment& where, int offset, int limit);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_PARTNER_STORE_H_
