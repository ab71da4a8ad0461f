// PartnersService: the data subject's rights over what this service holds,
// access (ExportPartnerData) and erasure (ErasePartner).
#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "services/partners/audit_store.h"
#include "services/partners/consent_store.h"
#include "services/partners/partner_store.h"
#include "services/partners/partners_service.h"
#include "services/partners/relationship_store.h"

namespace crm::partners {
namespace {

using server::CallContext;

constexpr char kCollection[] = "partners";
constexpr int kMaxExportEntries = 10000;
constexpr char kErasedDisplayName[] = "Erased partner";

// What stays of an erased partner: its identity, category and roles (which
// carry business data such as the customer class, not personal data), and
// the partner it was merged into.
v1::Partner Anonymised(const v1::Partner& partner) {
  v1::Partner erased;
  erased.set_name(partner.name());
  erased.set_category(partner.category());
  *erased.mutable_roles() = partner.roles();
  *erased.mutable_create_time() = partner.create_time();
  erased.set_display_name(kErasedDisplayName);
  erased.set_state(v1::PARTNER_STATE_ERASED);
  erased.set_merged_into(partner.merged_into());
  return erased;
}

// Erases one partner (not yet erased) in the caller's write.
v1::Partner Erase(db::Connection& c, const CallContext& call, const std::string& id,
                  StoredPartner& stored) {
  const v1::Partner before = stored.partner;
  v1::Partner erased = Anonymised(before);
  *erased.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  ++stored.revision;
  erased.set_etag(api::EtagForRevision(stored.revision));
  DeleteRelationshipsOf(c, call, id);
  ReplacePartner(c, id, erased, stored.revision);
  // No copy of the personal data may stay in the outbox or in stored
  // responses; the new change tells followers to erase theirs.
  feed::RedactChanges(c, erased.name());
  api::ForgetResponsesMentioning(c, erased.name());
  feed::AppendChange(c, erased.name(), feed::v1::CHANGE_KIND_UPDATED, &erased, call, "");
  RecordAudit(c, call, id, before, erased, "");
  return erased;
}

}  // namespace

grpc::ServerUnaryReactor* PartnersService::ErasePartner(grpc::CallbackServerContext* context,
                                                        const v1::ErasePartnerRequest* request,
                                                        v1::Partner* response) {
  return server::RunUnary(
      runtime_, context, "ErasePartner", request, response,
      [this](const CallContext& call, const v1::ErasePartnerRequest& req,
             v1::Partner* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          std::optional<StoredPartner> stored = LoadPartner(c, *id);
          if (!stored) return NotFound(req.name());
          if (absl::Status s = api::CheckEtag(req.etag(), stored->revision, req.name()); !s.ok()) {
            return s;
          }
          if (stored->partner.state() == v1::PARTNER_STATE_ERASED) {
            *resp = stored->partner;  // erasure is done; asking again is no error
            return absl::OkStatus();
          }
          if (stored->partner.category() == v1::PARTNER_CATEGORY_ORGANIZATION) {
            return FailedPrecondition(
                "CATEGORY", req.name(),
                "organisations hold no personal data to erase; delete the partner instead");
          }
          // The partners merged into this one hold data of the same person.
          for (const std::string& merged_id : PartnersMergedInto(c, *id)) {
            std::optional<StoredPartner> merged = LoadPartner(c, merged_id);
            if (merged) Erase(c, call, merged_id, *merged);
          }
          *resp = Erase(c, call, *id, *stored);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::ExportPartnerData(
    grpc::CallbackServerContext* context, const v1::ExportPartnerDataRequest* request,
    v1::PartnerDataExport* response) {
  return server::RunUnary(
      runtime_, context, "ExportPartnerData", request, response,
      [this](const CallContext& call, const v1::ExportPartnerDataRequest& req,
             v1::PartnerDataExport* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::optional<StoredPartner> stored = LoadPartner(c, *id);
          if (!stored) return NotFound(req.name());
          *resp->mutable_partner() = std::move(stored->partner);
          *resp->mutable_export_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));

          RelationshipQuery relationships;
          relationships.partner_id = *id;
          relationships.limit = kMaxExportEntries;
          RelationshipPage related = partners::ListRelationships(c, relationships);
          for (auto& r : related.relationships) *resp->add_relationships() = std::move(r);

          ConsentQuery consents;
          consents.partner_id = *id;
          consents.limit = kMaxExportEntries;
          ConsentPage consent = partners::ListConsentRecords(c, consents);
          for (auto& r : consent.records) *resp->add_consent_records() = std::move(r);

          AuditPage audit = ListAudit(c, *id, {}, kMaxExportEntries);
          for (auto& e : audit.events) *resp->add_audit_events() = std::move(e);

          resp->set_truncated(related.next_after.has_value() || consent.next_after.has_value() ||
                              audit.next_after.has_value());
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::partners
