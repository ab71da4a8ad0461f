#include "services/partners/partners_service.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "services/partners/audit_store.h"
#include "services/partners/custom_field_store.h"
#include "services/partners/custom_fields.h"
#include "services/partners/partner_store.h"
#include "services/partners/partner_validation.h"

namespace crm::partners {
namespace {

using server::CallContext;

constexpr char kCollection[] = "partners";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr int kMaxMergeHops = 10;

const api::FieldMaskRules& UpdateRules() {
  static const auto* rules = new api::FieldMaskRules{
      {"category"},
      {"name", "display_name", "create_time", "update_time", "etag", "state", "merged_into"}};
  return *rules;
}

absl::CivilDay Today(const CallContext& call) {
  return absl::ToCivilDay(call.now, absl::UTCTimeZone());
}

// Roles keep the time they were first added; new ones get `now`.
void StampRoles(const v1::Partner* before, v1::Partner* after, const google::protobuf::Timestamp& now) {
  for (v1::Role& role : *after->mutable_roles()) {
    role.clear_create_time();
    if (before != nullptr) {
      for (const v1::Role& old : before->roles()) {
        if (old.type() == role.type()) *role.mutable_create_time() = old.create_time();
      }
    }
    if (!role.has_create_time()) *role.mutable_create_time() = now;
  }
}

// Loads a partner for a write, checking existence and the caller's etag.
absl::StatusOr<StoredPartner> LoadForWrite(db::Connection& c, const std::string& id,
                                           const std::string& name, const std::string& etag,
                                           bool must_be_active = true) {
  std::optional<StoredPartner> stored = LoadPartner(c, id);
  if (!stored) return NotFound(name);
  if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
  if (must_be_active) {
    if (absl::Status s = RequireActive(stored->partner); !s.ok()) return s;
  }
  return *std::move(stored);
}

// Writes a changed partner at the next revision and records the change on
// the feed and in the audit trail.
void SaveChange(db::Connection& c, const CallContext& call, const std::string& id,
                const v1::Partner& before, StoredPartner& stored, v1::Partner* response) {
  v1::Partner& partner = stored.partner;
  partner.set_display_name(DisplayName(partner));
  *partner.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  ++stored.revision;
  partner.set_etag(api::EtagForRevision(stored.revision));
  ReplacePartner(c, id, partner, stored.revision);
  feed::AppendChange(c, partner.name(), feed::v1::CHANGE_KIND_UPDATED, &partner, call, "");
  RecordAudit(c, call, id, before, partner, "");
  *response = partner;
}

}  // namespace

grpc::ServerUnaryReactor* PartnersService::CreatePartner(grpc::CallbackServerContext* context,
                                                         const v1::CreatePartnerRequest* request,
                                                         v1::Partner* response) {
  return server::RunUnary(
      runtime_, context, "CreatePartner", request, response,
      [this](const CallContext& call, const v1::CreatePartnerRequest& req,
             v1::Partner* resp) -> absl::Status {
        if (absl::Status s = api::ValidateRequestId(req.request_id(), "request_id"); !s.ok()) return s;
        if (!req.has_partner()) return InvalidField("partner", "is required");
        v1::Partner partner = req.partner();
        NormalizePartner(&partner, /*clear_output_only=*/true);
        Violations violations;
        ValidatePartner(partner, "partner", Today(call), &violations);
        if (!violations.empty()) return violations.ToStatus();

        const std::string fingerprint = api::RequestFingerprint(req);
        if (!req.skip_duplicate_check()) {
          // On a snapshot, off the single writer: two racing creates of the
          // same newcomer can both pass, which a merge later repairs.
          absl::Status duplicate = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
            if (!req.request_id().empty()) {
              auto earlier = api::FindEarlierResponse(c, call.method, req.request_id(),
                                                      fingerprint, "request_id");
              if (!earlier.ok() || earlier->has_value()) return absl::OkStatus();  // a retry
            }
            v1::Partner draft = partner;
            draft.set_display_name(DisplayName(draft));
            return RefuseLikelyDuplicate(c, draft);
          });
          if (!duplicate.ok()) return duplicate;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(c, call.method, req.request_id(), fingerprint,
                              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
            Violations custom_violations;
            ValidateCustomValues(partner, LoadDefinitions(c), "partner", &custom_violations);
            if (!custom_violations.empty()) return custom_violations.ToStatus();
            const std::string id = api::NewId();
            const google::protobuf::Timestamp now = api::MicrosToTimestamp(api::TimeToMicros(call.now));
            v1::Partner created = partner;
            created.set_name(absl::StrCat(kCollection, "/", id));
            created.set_display_name(DisplayName(created));
            *created.mutable_create_time() = now;
            *created.mutable_update_time() = now;
            created.set_etag(api::EtagForRevision(1));
            created.set_state(v1::PARTNER_STATE_ACTIVE);
            StampRoles(nullptr, &created, now);
            InsertPartner(c, id, created);
            feed::AppendChange(c, created.name(), feed::v1::CHANGE_KIND_CREATED, &created, call,
                               req.request_id());
            RecordAudit(c, call, id, v1::Partner(), created, req.request_id());
            *resp = std::move(created);
            return absl::OkStatus();
          });
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::GetPartner(grpc::CallbackServerContext* context,
                                                      const v1::GetPartnerRequest* request,
                                                      v1::Partner* response) {
  return server::RunUnary(
      runtime_, context, "GetPartner", request, response,
      [this](const CallContext&, const v1::GetPartnerRequest& req, v1::Partner* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::optional<StoredPartner> stored = LoadPartner(c, *id);
          // A merged partner answers with its survivor. Merges keep this to
          // one step; the bound only guards against a damaged file.
          for (int hop = 0; hop < kMaxMergeHops && stored &&
                            stored->partner.state() == v1::PARTNER_STATE_MERGED;
               ++hop) {
            const std::string& survivor = stored->partner.merged_into();
            stored = LoadPartner(c, survivor.substr(survivor.find('/') + 1));
          }
          if (!stored) return NotFound(req.name());
          if (stored->partner.state() == v1::PARTNER_STATE_ERASED) {
            return NotFoundBecause(req.name(), "PARTNER_ERASED",
                                   "was erased; only ExportPartnerData shows what is kept");
          }
          *resp = std::move(stored->partner);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::ListPartners(grpc::CallbackServerContext* context,
                                                        const v1::ListPartnersRequest* request,
                                                        v1::ListPartnersResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListPartners", request, response,
      [this](const CallContext&, const v1::ListPartnersRequest& req,
             v1::ListPartnersResponse* resp) -> absl::Status {
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize);
        if (!page_size.ok()) return page_size.status();
        absl::StatusOr<api::OrderBy> order = api::ParseOrderBy(
            req.order_by(), PartnerOrderFields(), "create_time", PartnerTiebreaker());
        if (!order.ok()) return order.status();
        const std::string fingerprint = absl::StrCat(req.filter(), "\n", req.order_by());
        ListQuery query{{}, *order, {}, *page_size};
        if (!req.page_token().empty()) {
          absl::StatusOr<std::vector<db::SqlValue>> after =
              api::DecodePageToken(req.page_token(), fingerprint, *order);
          if (!after.ok()) return after.status();
          query.after = *std::move(after);
        }
        ListPage page;
        absl::Status status = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          absl::StatusOr<db::SqlFragment> where =
              api::CompileFilter(req.filter(), PartnerFilterFields(c));
          if (!where.ok()) return where.status();
          query.where = *std::move(where);
          page = partners::ListPartners(c, query);
          return absl::OkStatus();
        });
        if (!status.ok()) return status;
        for (auto& partner : page.partners) *resp->add_partners() = std::move(partner);
        if (page.next_after) {
          resp->set_next_page_token(api::EncodePageToken(fingerprint, *page.next_after));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PartnersService::UpdatePartner(grpc::CallbackServerContext* context,
                                                         const v1::UpdatePartnerRequest* request,
                                                         v1::Partner* response) {
  return server::RunUnary(
      runtime_, context, "UpdatePartner", request, response,
      [this](const CallContext& call, const v1::UpdatePartnerRequest& req,
             v1::Partner* resp) -> absl::Status {
        if (!req.has_partner()) return InvalidField("partner", "is required");
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.partner().name(), kCollection, "partner.name");
        if (!id.ok()) return id.status();
        v1::Partner patch = req.partner();
        NormalizePartner(&patch, /*clear_output_only=*/false);
        // Checks the mask's paths before touching the database.
        v1::Partner probe;
        if (absl::Status s = api::ApplyFieldMask(req.update_mask(), patch, &probe, UpdateRules());
            !s.ok()) {
          return s;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          absl::StatusOr<StoredPartner> stored =
              LoadForWrite(c, *id, req.partner().name(), req.partner().etag());
          if (!stored.ok()) return stored.status();
          const v1::Partner before = stored->partner;
          if (absl::Status s =
                  api::ApplyFieldMask(req.update_mask(), patch, &stored->partner, UpdateRules());
              !s.ok()) {
            return s;
          }
          NormalizePartner(&stored->partner, /*clear_output_only=*/false);
          Violations violations;
          ValidatePartner(stored->partner, "partner", Today(call), &violations);
          ValidateCustomValues(stored->partner, LoadDefinitions(c), "partner", &violations);
          if (!violations.empty()) return violations.ToStatus();
          StampRoles(&before, &stored->partner,
                     api::MicrosToTimestamp(api::TimeToMicros(call.now)));
          SaveChange(c, call, *id, before, *stored, resp);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::DeletePartner(grpc::CallbackServerContext* context,
                                                         const v1::DeletePartnerRequest* request,
                                                         google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeletePartner", request, response,
      [this](const CallContext& call, const v1::DeletePartnerRequest& req,
             google::protobuf::Empty*) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          // An erased record may still be deleted for good.
          absl::StatusOr<StoredPartner> stored =
              LoadForWrite(c, *id, req.name(), req.etag(), /*must_be_active=*/false);
          if (!stored.ok()) return stored.status();
          if (stored->partner.state() == v1::PARTNER_STATE_MERGED) {
            return FailedPrecondition(
                "STATE", req.name(),
                absl::StrCat("was merged into ", stored->partner.merged_into(),
                             " and its name must keep resolving; erase it to remove its "
                             "personal data, or delete the survivor"));
          }
          // The partners merged into this one are the same party: they go too,
          // rather than point at a partner that no longer exists.
          std::vector<std::pair<std::string, v1::Partner>> doomed = {{*id, stored->partner}};
          for (const std::string& merged_id : PartnersMergedInto(c, *id)) {
            if (std::optional<StoredPartner> merged = LoadPartner(c, merged_id)) {
              doomed.emplace_back(merged_id, merged->partner);
            }
          }
          for (const auto& [doomed_id, partner] : doomed) {
            DeleteRelationshipsOf(c, call, doomed_id);
            partners::DeletePartner(c, doomed_id);
            feed::AppendChange(c, absl::StrCat(kCollection, "/", doomed_id),
                               feed::v1::CHANGE_KIND_DELETED, nullptr, call, "");
            RecordAudit(c, call, doomed_id, partner, v1::Partner(), "");
          }
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::AddPartnerRole(grpc::CallbackServerContext* context,
                                                          const v1::AddPartnerRoleRequest* request,
                                                          v1::Partner* response) {
  return server::RunUnary(
      runtime_, context, "AddPartnerRole", request, response,
      [this](const CallContext& call, const v1::AddPartnerRoleRequest& req,
             v1::Partner* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        if (!req.has_role()) return InvalidField("role", "is required");
        // Normalised as part of a partner, so a role added alone gets the
        // same treatment as one sent with the partner.
        v1::Partner holder;
        *holder.add_roles() = req.role();
        NormalizePartner(&holder, /*clear_output_only=*/true);
        const v1::Role role = holder.roles(0);
        Violations violations;
        ValidateRole(role, "role", &violations);
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          absl::StatusOr<StoredPartner> stored = LoadForWrite(c, *id, req.name(), req.etag());
          if (!stored.ok()) return stored.status();
          for (const v1::Role& existing : stored->partner.roles()) {
            if (existing.type() == role.type()) {
              return AlreadyExists(req.name(), absl::StrCat("already has the role ",
                                                            v1::RoleType_Name(role.type())));
            }
          }
          const v1::Partner before = stored->partner;
          *stored->partner.add_roles() = role;
          StampRoles(&before, &stored->partner,
                     api::MicrosToTimestamp(api::TimeToMicros(call.now)));
          SaveChange(c, call, *id, before, *stored, resp);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::RemovePartnerRole(
    grpc::CallbackServerContext* context, const v1::RemovePartnerRoleRequest* request,
    v1::Partner* response) {
  return server::RunUnary(
      runtime_, context, "RemovePartnerRole", request, response,
      [this](const CallContext& call, const v1::RemovePartnerRoleRequest& req,
             v1::Partner* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        if (req.role_type() == v1::ROLE_TYPE_UNSPECIFIED) {
          return InvalidField("role_type", "is required");
        }
        if (!v1::RoleType_IsValid(req.role_type())) {
          return InvalidField("role_type", absl::StrCat("unknown value ", req.role_type()));
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          absl::StatusOr<StoredPartner> stored = LoadForWrite(c, *id, req.name(), req.etag());
          if (!stored.ok()) return stored.status();
          const v1::Partner before = stored->partner;
          auto* roles = stored->partner.mutable_roles();
          auto it = std::find_if(roles->begin(), roles->end(), [&](const v1::Role& role) {
            return role.type() == req.role_type();
          });
          if (it == roles->end()) {
            return absl::NotFoundError(absl::StrCat(
                req.name(), " does not have the role ", v1::RoleType_Name(req.role_type())));
          }
          roles->erase(it);
          SaveChange(c, call, *id, before, *stored, resp);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::ListAuditEvents(
    grpc::CallbackServerContext* context, const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListAuditEvents", request, response,
      [this](const CallContext&, const v1::ListAuditEventsRequest& req,
             v1::ListAuditEventsResponse* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.parent(), kCollection, "parent");
        if (!id.ok()) return id.status();
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize);
        if (!page_size.ok()) return page_size.status();
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), req.parent(), AuditOrder());
        if (!after.ok()) return after.status();
        AuditPage page;
        absl::Status status = runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          page = ListAudit(c, *id, *after, *page_size);
          if (page.events.empty() && after->empty() && !PartnerKnown(c, *id)) {
            return NotFound(req.parent());
          }
          return absl::OkStatus();
        });
        if (!status.ok()) return status;
        for (auto& event : page.events) *resp->add_audit_events() = std::move(event);
        if (page.next_after) {
          resp->set_next_page_token(api::EncodePageToken(req.parent(), *page.next_after));
        }
        return absl::OkStatus();
      });
}

}  // namespace crm::partners
