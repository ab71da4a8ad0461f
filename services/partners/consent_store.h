// SQL for consent records: an append-only history per partner, channel and
// purpose, where the newest decision holds.
#ifndef CRM_SERVICES_PARTNERS_CONSENT_STORE_H_
#define CRM_SERVICES_PARTNERS_CONSENT_STORE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/api/paging.h"
#include "common/db/database.h"
#include "crm/partners/v1/consent.pb.h"

namespace crm::partners {

// Appends a complete record (name and output-only fields set).
void InsertConsentRecord(db::Connection& c, const std::string& partner_id,
                         const v1::ConsentRecord& record);

// The decision in force at `at_micros`: the record with the latest
// effective time not after it (the later written on a tie).
std::optional<v1::ConsentRecord> ConsentInForce(db::Connection& c, const std::string& partner_id,
                                                int channel, int purpose, int64_t at_micros);

// Moves the whole consent history of `from_id` to `to_id` (a merge), the
// records renamed below their new partner. Returns each record as it was
// and as it is now.
std::vector<std::pair<v1::ConsentRecord, v1::ConsentRecord>> MoveConsentRecords(
    db::Connection& c, const std::string& from_id, const std::string& to_id);

struct ConsentQuery {
  std::string partner_id;
  int channel = 0;  // 0 for all
  int purpose = 0;  // 0 for all
  std::vector<db::SqlValue> after;
  int limit = 50;
};

struct ConsentPage {
  std::vector<v1::ConsentRecord> records;
  std::optional<std::vector<db::SqlValue>> next_after;
};

// Newest decision first.
const api::OrderBy& ConsentOrder();
ConsentPage ListConsentRecords(db::Connection& c, const ConsentQuery& query);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_CONSENT_STORE_H_
