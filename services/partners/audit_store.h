// The audit trail of partners: one event per write, in the write's
// transaction, with the changed fields (personal values hashed).
#ifndef CRM_SERVICES_PARTNERS_AUDIT_STORE_H_
#define CRM_SERVICES_PARTNERS_AUDIT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/api/paging.h"
#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/partners/v1/audit_event.pb.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

// Records in the trail of partner `partner_id` a write that turned `before`
// into `after` (the partner itself, or a relationship of it; an empty
// message for a create's before or a delete's after).
void RecordAudit(db::Connection& c, const server::CallContext& call, const std::string& partner_id,
                 const google::protobuf::Message& before,
                 const google::protobuf::Message& after,
                 absl::string_view request_id);

struct AuditPage {
  std::vector<v1::AuditEvent> events;
  // Order-key values of the last event, when there are more pages.
  std::optional<std::vector<db::SqlValue>> next_after;
};

// Newest first.
const api::OrderBy& AuditOrder();

AuditPage ListAudit(db::Connection& c, const std::string& partner_id,
                    const std::vector<db::SqlValue>& after, int limit);

// Whether the partner exists or ever existed (has an audit trail).
bool PartnerKnown(db::Connection& c, const std::string& partner_id);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_AUDIT_STORE_H_
