// PartnersService: relationships between partners and the organisation
// hierarchy they form.
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "common/validation/formats.h"
#include "services/partners/audit_store.h"
#include "services/partners/partner_store.h"
#include "services/partners/partners_service.h"
#include "services/partners/relationship_rules.h"
#include "services/partners/relationship_store.h"

namespace crm::partners {
namespace {

using server::CallContext;

constexpr char kCollection[] = "relationships";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr int kMaxHierarchyDepth = 20;

const api::FieldMaskRules& UpdateRules() {
  static const auto* rules = new api::FieldMaskRules{
      {"type", "partner", "related_partner"}, {"name", "create_time", "update_time", "etag"}};
  return *rules;
}

std::string PartnerId(const std::string& name) { return name.substr(name.find('/') + 1); }

int ValidFrom(const v1::Relationship& r) {
  return DayNumber(r.valid_from(), r.has_valid_from(), kOpenStart);
}
int ValidTo(const v1::Relationship& r) { return DayNumber(r.valid_to(), r.has_valid_to(), kOpenEnd); }

// The rules that need the database: both partners exist and suit the type,
// no overlapping twin, and the hierarchy stays a tree.
absl::Status CheckAgainstStore(db::Connection& c, const v1::Relationship& r,
                               const std::string& except_id) {
  const std::string partner_id = PartnerId(r.partner());
  const std::string related_id = PartnerId(r.related_partner());
  std::optional<StoredPartner> partner = LoadPartner(c, partner_id);
  if (!partner) return NotFound(r.partner());
  std::optional<StoredPartner> related = LoadPartner(c, related_id);
  if (!related) return NotFound(r.related_partner());
  if (absl::Status s = RequireActive(partner->partner); !s.ok()) return s;
  if (absl::Status s = RequireActive(related->partner); !s.ok()) return s;
  Violations violations;
  CheckCategories(r.type(), partner->partner.category(), related->partner.category(),
                  "relationship", &violations);
  if (!violations.empty()) return violations.ToStatus();
  const bool symmetric = r.type() == v1::RELATIONSHIP_TYPE_IS_MARRIED_TO;
  if (OverlappingExists(c, r.type(), partner_id, related_id, ValidFrom(r), ValidTo(r), symmetric,
                        except_id)) {
    return AlreadyExists(r.partner(),
                         absl::StrCat("already has ", v1::RelationshipType_Name(r.type()), " with ",
                                      r.related_partner(), " in that period"));
  }
  if (r.type() == v1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF) {
    if (IsAncestorOrSelf(c, partner_id, related_id)) {
      return InvalidField("relationship.related_partner",
                          absl::StrCat("would make a cycle: ", r.related_partner(),
                                       " is already below ", r.partner(), " in the hierarchy"));
    }
    if (HasParentDuring(c, partner_id, ValidFrom(r), ValidTo(r), except_id)) {
      return FailedPrecondition("HIERARCHY", r.partner(),
                                "already has a parent organisation in that period");
    }
  }
  return absl::OkStatus();
}

// Feed and audit trails of both partners, for one relationship write.
void RecordRelationshipWrite(db::Connection& c, const CallContext& call,
                             feed::v1::ChangeKind kind, const v1::Relationship& before,
                             const v1::Relationship& after, absl::string_view request_id) {
  const v1::Relationship& current = kind == feed::v1::CHANGE_KIND_DELETED ? before : after;
  feed::AppendChange(c, current.name(), kind,
                     kind == feed::v1::CHANGE_KIND_DELETED ? nullptr : &after, call, request_id);
  RecordAudit(c, call, PartnerId(current.partner()), before, after, request_id);
  RecordAudit(c, call, PartnerId(current.related_partner()), before, after, request_id);
}

void ClearOutputOnly(v1::Relationship* r) {
  r->clear_name();
  r->clear_create_time();
  r->clear_update_time();
  r->clear_etag();
}

}  // namespace

// Deletes the relationships of a partner about to be deleted, each on the
// feed and in the trail of the partner on the other side.
void DeleteRelationshipsOf(db::Connection& c, const CallContext& call,
                           const std::string& partner_id) {
  for (const std::string& id : RelationshipIdsOf(c, partner_id)) {
    std::optional<StoredRelationship> stored = LoadRelationship(c, id);
    if (!stored) continue;
    DeleteRelationship(c, id);
    RecordRelationshipWrite(c, call, feed::v1::CHANGE_KIND_DELETED, stored->relationship,
                            v1::Relationship(), "");
  }
}

void MoveRelationships(db::Connection& c, const CallContext& call,
                       const std::vector<std::string>& from_ids, const std::string& to_id,
                       const std::string& request_id, v1::MergePartnersResponse* out) {
  const std::string to_name = absl::StrCat("partners/", to_id);
  const std::set<std::string> merged(from_ids.begin(), from_ids.end());
  std::set<std::string> seen;  // a relationship between two merged partners comes up twice
  for (const std::string& from_id : from_ids) {
    for (const std::string& id : RelationshipIdsOf(c, from_id)) {
      if (!seen.insert(id).second) continue;
      std::optional<StoredRelationship> stored = LoadRelationship(c, id);
      if (!stored) continue;
      const v1::Relationship before = stored->relationship;
      v1::Relationship& moved = stored->relationship;
      if (merged.count(PartnerId(moved.partner())) > 0) moved.set_partner(to_name);
      if (merged.count(PartnerId(moved.related_partner())) > 0) moved.set_related_partner(to_name);
      const std::string partner_id = PartnerId(moved.partner());
      const std::string related_id = PartnerId(moved.related_partner());
      std::string reason;
      if (partner_id == related_id) {
        reason = "would relate the survivor to itself";
      } else if (OverlappingExists(c, moved.type(), partner_id, related_id, ValidFrom(moved),
                                   ValidTo(moved),
                                   moved.type() == v1::RELATIONSHIP_TYPE_IS_MARRIED_TO, id)) {
        reason = "repeats a relationship the survivor has in that period";
      } else if (moved.type() == v1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF) {
        if (IsAncestorOrSelf(c, partner_id, related_id)) {
          reason = "would make a cycle in the organisation hierarchy";
        } else if (HasParentDuring(c, partner_id, ValidFrom(moved), ValidTo(moved), id)) {
          reason = "the subsidiary would have a second parent organisation in that period";
        }
      }
      if (!reason.empty()) {
        DeleteRelationship(c, id);
        RecordRelationshipWrite(c, call, feed::v1::CHANGE_KIND_DELETED, before, v1::Relationship(),
                                request_id);
        v1::DroppedRelationship* dropped = out->add_dropped_relationships();
        *dropped->mutable_relationship() = before;
        dropped->set_reason(reason);
        continue;
      }
      *moved.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
      ++stored->revision;
      moved.set_etag(api::EtagForRevision(stored->revision));
      ReplaceRelationship(c, id, moved, stored->revision);
      RecordRelationshipWrite(c, call, feed::v1::CHANGE_KIND_UPDATED, before, moved, request_id);
      // The merged partner's own trail shows the relationship leaving it.
      for (const std::string* end : {&before.partner(), &before.related_partner()}) {
        if (merged.count(PartnerId(*end)) > 0) {
          RecordAudit(c, call, PartnerId(*end), before, moved, request_id);
        }
      }
      *out->add_moved_relationships() = moved;
    }
  }
}

grpc::ServerUnaryReactor* PartnersService::CreateRelationship(
    grpc::CallbackServerContext* context, const v1::CreateRelationshipRequest* request,
    v1::Relationship* response) {
  return server::RunUnary(
      runtime_, context, "CreateRelationship", request, response,
      [this](const CallContext& call, const v1::CreateRelationshipRequest& req,
             v1::Relationship* resp) -> absl::Status {
        if (absl::Status s = api::ValidateRequestId(req.request_id(), "request_id"); !s.ok()) return s;
        if (!req.has_relationship()) return InvalidField("relationship", "is required");
        v1::Relationship relationship = req.relationship();
        ClearOutputOnly(&relationship);
        Violations violations;
        ValidateRelationship(relationship, "relationship", &violations);
        if (!violations.empty()) return violations.ToStatus();
        const std::string fingerprint = api::RequestFingerprint(req);
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(c, call.method, req.request_id(), fingerprint,
                              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
            if (absl::Status s = CheckAgainstStore(c, relationship, ""); !s.ok()) return s;
            const std::string id = api::NewId();
            v1::Relationship created = relationship;
            created.set_name(absl::StrCat(kCollection, "/", id));
            *created.mutable_create_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
            *created.mutable_update_time() = created.create_time();
            created.set_etag(api::EtagForRevision(1));
            InsertRelationship(c, id, created);
            RecordRelationshipWrite(c, call, feed::v1::CHANGE_KIND_CREATED, v1::Relationship(),
                                    created, req.request_id());
            *resp = std::move(created);
            return absl::OkStatus();
          });
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::GetRelationship(
    grpc::CallbackServerContext* context, const v1::GetRelationshipRequest* request,
    v1::Relationship* response) {
  return server::RunUnary(
      runtime_, context, "GetRelationship", request, response,
      [this](const CallContext&, const v1::GetRelationshipRequest& req,
             v1::Relationship* resp) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::optional<StoredRelationship> stored = LoadRelationship(c, *id);
          if (!stored) return NotFound(req.name());
          *resp = std::move(stored->relationship);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::ListRelationships(
    grpc::CallbackServerContext* context, const v1::ListRelationshipsRequest* request,
    v1::ListRelationshipsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListRelationships", request, response,
      [this](const CallContext&, const v1::ListRelationshipsRequest& req,
             v1::ListRelationshipsResponse* resp) -> absl::Status {
        RelationshipQuery query;
        Violations violations;
        if (!req.partner().empty()) {
          absl::StatusOr<std::string> id =
              api::ParseResourceName(req.partner(), "partners", "partner");
          if (id.ok()) query.partner_id = *id; else violations.AddAll(id.status());
        }
        if (!v1::RelationshipType_IsValid(req.type())) {
          violations.Add("type", absl::StrCat("unknown value ", req.type()));
        }
        query.type = req.type();
        if (req.has_valid_on()) {
          if (validation::IsValidDate(req.valid_on())) {
            query.valid_on = DayNumber(req.valid_on(), true, 0);
          } else {
            violations.Add("valid_on", "must be a full, valid date");
          }
        }
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize);
        if (!page_size.ok()) violations.AddAll(page_size.status());
        if (!violations.empty()) return violations.ToStatus();
        query.limit = *page_size;
        const std::string fingerprint =
            absl::StrCat(req.partner(), "|", req.type(), "|", query.valid_on);
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), fingerprint, RelationshipOrder());
        if (!after.ok()) return after.status();
        query.after = *std::move(after);
        RelationshipPage page;
        absl::Status status = runtime_.db().Read([&](db::Connection& c) {
          page = partners::ListRelationships(c, query);
          return absl::OkStatus();
        });
        if (!status.ok()) return status;
        for (auto& r : page.relationships) *resp->add_relationships() = std::move(r);
        if (page.next_after) {
          resp->set_next_page_token(api::EncodePageToken(fingerprint, *page.next_after));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PartnersService::UpdateRelationship(
    grpc::CallbackServerContext* context, const v1::UpdateRelationshipRequest* request,
    v1::Relationship* response) {
  return server::RunUnary(
      runtime_, context, "UpdateRelationship", request, response,
      [this](const CallContext& call, const v1::UpdateRelationshipRequest& req,
             v1::Relationship* resp) -> absl::Status {
        if (!req.has_relationship()) return InvalidField("relationship", "is required");
        const std::string& name = req.relationship().name();
        absl::StatusOr<std::string> id =
            api::ParseResourceName(name, kCollection, "relationship.name");
        if (!id.ok()) return id.status();
        v1::Relationship probe;
        if (absl::Status s =
                api::ApplyFieldMask(req.update_mask(), req.relationship(), &probe, UpdateRules());
            !s.ok()) {
          return s;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          std::optional<StoredRelationship> stored = LoadRelationship(c, *id);
          if (!stored) return NotFound(name);
          if (absl::Status s = api::CheckEtag(req.relationship().etag(), stored->revision, name);
              !s.ok()) {
            return s;
          }
          const v1::Relationship before = stored->relationship;
          v1::Relationship& updated = stored->relationship;
          if (absl::Status s =
                  api::ApplyFieldMask(req.update_mask(), req.relationship(), &updated, UpdateRules());
              !s.ok()) {
            return s;
          }
          Violations violations;
          ValidateRelationship(updated, "relationship", &violations);
          if (!violations.empty()) return violations.ToStatus();
          if (absl::Status s = CheckAgainstStore(c, updated, *id); !s.ok()) return s;
          *updated.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
          ++stored->revision;
          updated.set_etag(api::EtagForRevision(stored->revision));
          ReplaceRelationship(c, *id, updated, stored->revision);
          RecordRelationshipWrite(c, call, feed::v1::CHANGE_KIND_UPDATED, before, updated, "");
          *resp = updated;
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::DeleteRelationship(
    grpc::CallbackServerContext* context, const v1::DeleteRelationshipRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteRelationship", request, response,
      [this](const CallContext& call, const v1::DeleteRelationshipRequest& req,
             google::protobuf::Empty*) -> absl::Status {
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), kCollection, "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          std::optional<StoredRelationship> stored = LoadRelationship(c, *id);
          if (!stored) return NotFound(req.name());
          if (absl::Status s = api::CheckEtag(req.etag(), stored->revision, req.name()); !s.ok()) {
            return s;
          }
          partners::DeleteRelationship(c, *id);
          RecordRelationshipWrite(c, call, feed::v1::CHANGE_KIND_DELETED, stored->relationship,
                                  v1::Relationship(), "");
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::GetPartnerHierarchy(
    grpc::CallbackServerContext* context, const v1::GetPartnerHierarchyRequest* request,
    v1::GetPartnerHierarchyResponse* response) {
  return server::RunUnary(
      runtime_, context, "GetPartnerHierarchy", request, response,
      [this](const CallContext& call, const v1::GetPartnerHierarchyRequest& req,
             v1::GetPartnerHierarchyResponse* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> id = api::ParseResourceName(req.name(), "partners", "name");
        if (!id.ok()) violations.AddAll(id.status());
        if (req.max_depth() < 0) violations.Add("max_depth", "must not be negative");
        int day = 0;
        if (req.has_valid_on()) {
          if (validation::IsValidDate(req.valid_on())) {
            day = DayNumber(req.valid_on(), true, 0);
          } else {
            violations.Add("valid_on", "must be a full, valid date");
          }
        } else {
          const absl::CivilDay today = absl::ToCivilDay(call.now, absl::UTCTimeZone());
          day = static_cast<int>(today.year() * 10000 + today.month() * 100 + today.day());
        }
        if (!violations.empty()) return violations.ToStatus();
        const int depth = req.max_depth() == 0 ? kMaxHierarchyDepth
                                               : std::min(req.max_depth(), kMaxHierarchyDepth);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::optional<StoredPartner> self = LoadPartner(c, *id);
          if (!self) return NotFound(req.name());
          const auto node = [&](const std::string& partner_id, const std::string& parent_id,
                                int level, const std::string& relationship_id) {
            v1::HierarchyNode n;
            n.set_partner(absl::StrCat("partners/", partner_id));
            std::optional<StoredPartner> p = LoadPartner(c, partner_id);
            if (p) n.set_display_name(p->partner.display_name());
            if (!parent_id.empty()) n.set_parent(absl::StrCat("partners/", parent_id));
            n.set_level(level);
            if (!relationship_id.empty()) {
              n.set_relationship(absl::StrCat(kCollection, "/", relationship_id));
            }
            return n;
          };
          // Up: the chain of parents, then from the top down.
          std::vector<HierarchyLink> up;
          std::set<std::string> seen = {*id};
          std::string current = *id;
          // The link above the highest node returned, when depth cut it off:
          // that node still names its parent.
          std::optional<HierarchyLink> cut_above;
          for (int level = 1; level <= depth; ++level) {
            std::optional<HierarchyLink> link = ParentLink(c, current, day);
            if (!link || !seen.insert(link->parent_id).second) break;
            up.push_back(*link);
            current = link->parent_id;
            if (level == depth) {
              cut_above = ParentLink(c, current, day);
              if (cut_above) resp->set_truncated(true);
            }
          }
          for (size_t i = up.size(); i-- > 0;) {
            const HierarchyLink* above =
                i + 1 < up.size() ? &up[i + 1] : (cut_above ? &*cut_above : nullptr);
            *resp->add_nodes() = node(up[i].parent_id, above ? above->parent_id : "",
                                      -static_cast<int>(i) - 1,
                                      above ? above->relationship_id : "");
          }
          *resp->add_nodes() = node(*id, up.empty() ? "" : up[0].parent_id, 0,
                                    up.empty() ? "" : up[0].relationship_id);
          // Down: depth first.
          std::function<void(const std::string&, int)> descend = [&](const std::string& parent,
                                                                     int level) {
            for (const HierarchyLink& link : ChildLinks(c, parent, day)) {
              if (!seen.insert(link.partner_id).second) continue;
              if (level > depth) {
                resp->set_truncated(true);
                return;
              }
              *resp->add_nodes() = node(link.partner_id, parent, level, link.relationship_id);
              descend(link.partner_id, level + 1);
            }
          };
          descend(*id, 1);
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::partners
