// PartnersService: merging duplicates into one survivor.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/api/idempotency.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "common/validation/field_checks.h"
#include "services/partners/audit_store.h"
#include "services/partners/consent_store.h"
#include "services/partners/custom_field_store.h"
#include "services/partners/custom_fields.h"
#include "services/partners/merge.h"
#include "services/partners/partner_store.h"
#include "services/partners/partner_validation.h"
#include "services/partners/partners_service.h"

namespace crm::partners {
namespace {

using server::CallContext;
using validation::Child;
using validation::Element;

constexpr char kCollection[] = "partners";
constexpr int kMaxMergedPartners = 10;

// A merge request whose fields passed the checks that need no database.
struct MergePlan {
  std::string survivor_id;
  std::vector<std::string> merged_ids;  // in request order
  // Per field rule, the index of its source in merged_ids, or -1 for the
  // survivor.
  std::vector<int> rule_sources;
};

absl::StatusOr<MergePlan> PlanMerge(const v1::MergePartnersRequest& req) {
  Violations violations;
  MergePlan plan;
  if (absl::Status s = api::ValidateRequestId(req.request_id(), "request_id"); !s.ok()) {
    violations.AddAll(s);
  }
  absl::StatusOr<std::string> survivor = api::ParseResourceName(req.survivor(), kCollection,
                                                                "survivor");
  if (survivor.ok()) plan.survivor_id = *survivor; else violations.AddAll(survivor.status());

  if (req.merged_partners().empty()) {
    violations.Add("merged_partners", "is required: name the partners to merge into the survivor");
  } else if (req.merged_partners_size() > kMaxMergedPartners) {
    violations.Add("merged_partners",
                   absl::StrCat("at most ", kMaxMergedPartners, " partners per merge"));
  }
  for (int i = 0; i < req.merged_partners_size(); ++i) {
    const std::string field = Element("merged_partners", i);
    absl::StatusOr<std::string> id =
        api::ParseResourceName(req.merged_partners(i), kCollection, field);
    if (!id.ok()) {
      violations.AddAll(id.status());
    } else if (*id == plan.survivor_id) {
      violations.Add(field, "is the survivor; a partner cannot be merged into itself");
    } else if (std::find(plan.merged_ids.begin(), plan.merged_ids.end(), *id) !=
               plan.merged_ids.end()) {
      violations.Add(field, "is named twice");
    } else {
      plan.merged_ids.push_back(*id);
    }
  }

  std::set<std::string> chosen;
  for (int i = 0; i < req.field_rules_size(); ++i) {
    const v1::MergeFieldRule& rule = req.field_rules(i);
    const std::string rule_path = Element("field_rules", i);
    const std::string field = Child(rule_path, "field");
    if (rule.field().empty()) {
      violations.Add(field, "is required");
    } else if (absl::Status s = CheckMergeFieldPath(rule.field(), field); !s.ok()) {
      violations.AddAll(s);
    } else if (!chosen.insert(rule.field()).second) {
      violations.Add(field, absl::StrCat("\"", rule.field(), "\" is chosen twice"));
    } else {
      // "person" and "person.given_name" would fight over the same value.
      for (const std::string& other : chosen) {
        const std::string& shorter = other.size() < rule.field().size() ? other : rule.field();
        const std::string& longer = other.size() < rule.field().size() ? rule.field() : other;
        if (other != rule.field() && absl::StartsWith(longer, absl::StrCat(shorter, "."))) {
          violations.Add(field, absl::StrCat("\"", rule.field(), "\" overlaps \"", other,
                                             "\", chosen by another rule"));
          break;
        }
      }
    }
    const std::string source_field = Child(rule_path, "source_partner");
    absl::StatusOr<std::string> source =
        api::ParseResourceName(rule.source_partner(), kCollection, source_field);
    if (!source.ok()) {
      violations.AddAll(source.status());
      continue;
    }
    if (*source == plan.survivor_id) {
      plan.rule_sources.push_back(-1);
      continue;
    }
    auto it = std::find(plan.merged_ids.begin(), plan.merged_ids.end(), *source);
    if (it == plan.merged_ids.end()) {
      violations.Add(source_field, "must be the survivor or one of merged_partners");
    } else {
      plan.rule_sources.push_back(static_cast<int>(it - plan.merged_ids.begin()));
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return plan;
}

std::string Describe(const Violations& violations) {
  std::vector<std::string> parts;
  for (const FieldViolation& v : violations.list()) {
    parts.push_back(absl::StrCat(v.field, " ", v.description));
  }
  return absl::StrJoin(parts, "; ");
}

// Writes `partner` (changed from `before`) at the next revision, with its
// change on the feed and in the audit trail.
void Save(db::Connection& c, const CallContext& call, const std::string& id,
          const v1::Partner& before, StoredPartner& stored, const std::string& request_id) {
  *stored.partner.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  ++stored.revision;
  stored.partner.set_etag(api::EtagForRevision(stored.revision));
  ReplacePartner(c, id, stored.partner, stored.revision);
  feed::AppendChange(c, stored.partner.name(), feed::v1::CHANGE_KIND_UPDATED, &stored.partner,
                     call, request_id);
  RecordAudit(c, call, id, before, stored.partner, request_id);
}

// Marks a merged partner (and the partners merged into it earlier, so that
// every reference resolves in one step) as merged into the survivor.
void MarkMerged(db::Connection& c, const CallContext& call, const std::string& id,
                StoredPartner& stored, const std::string& survivor_name,
                const std::string& request_id, v1::MergePartnersResponse* resp) {
  for (const std::string& earlier_id : PartnersMergedInto(c, id)) {
    std::optional<StoredPartner> earlier = LoadPartner(c, earlier_id);
    if (!earlier) continue;
    const v1::Partner before = earlier->partner;
    earlier->partner.set_merged_into(survivor_name);
    Save(c, call, earlier_id, before, *earlier, request_id);
  }
  const v1::Partner before = stored.partner;
  stored.partner.set_state(v1::PARTNER_STATE_MERGED);
  stored.partner.set_merged_into(survivor_name);
  Save(c, call, id, before, stored, request_id);
  *resp->add_merged_partners() = stored.partner;
}

void MoveConsent(db::Connection& c, const CallContext& call, const std::string& from_id,
                 const std::string& to_id, const std::string& request_id,
                 v1::MergePartnersResponse* resp) {
  for (auto& [before, after] : MoveConsentRecords(c, from_id, to_id)) {
    feed::AppendChange(c, before.name(), feed::v1::CHANGE_KIND_DELETED, nullptr, call,
                       request_id);
    feed::AppendChange(c, after.name(), feed::v1::CHANGE_KIND_CREATED, &after, call, request_id);
    RecordAudit(c, call, from_id, before, v1::ConsentRecord(), request_id);
    RecordAudit(c, call, to_id, v1::ConsentRecord(), after, request_id);
    *resp->add_moved_consent_records() = std::move(after);
  }
}

// The merge itself, inside the write transaction.
absl::Status Merge(db::Connection& c, const CallContext& call, const v1::MergePartnersRequest& req,
                   const MergePlan& plan, v1::MergePartnersResponse* resp) {
  resp->Clear();
  std::optional<StoredPartner> survivor = LoadPartner(c, plan.survivor_id);
  if (!survivor) return NotFound(req.survivor());
  if (absl::Status s = api::CheckEtag(req.etag(), survivor->revision, req.survivor()); !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireActive(survivor->partner); !s.ok()) return s;

  std::vector<StoredPartner> merged;
  for (size_t i = 0; i < plan.merged_ids.size(); ++i) {
    const std::string& name = req.merged_partners(static_cast<int>(i));
    std::optional<StoredPartner> stored = LoadPartner(c, plan.merged_ids[i]);
    if (!stored) return NotFound(name);
    if (absl::Status s = RequireActive(stored->partner); !s.ok()) return s;
    if (stored->partner.category() != survivor->partner.category()) {
      return InvalidField(
          Element("merged_partners", static_cast<int>(i)),
          absl::StrCat("is ", v1::PartnerCategory_Name(stored->partner.category()),
                       " but the survivor is ",
                       v1::PartnerCategory_Name(survivor->partner.category()),
                       "; only partners of one category can be merged"));
    }
    merged.push_back(*std::move(stored));
  }

  // A rule may only name the data of the partners' own category.
  static const std::vector<std::pair<const char*, v1::PartnerCategory>> kCategoryData = {
      {"person", v1::PARTNER_CATEGORY_PERSON},
      {"organization", v1::PARTNER_CATEGORY_ORGANIZATION},
      {"group", v1::PARTNER_CATEGORY_GROUP}};
  for (int i = 0; i < req.field_rules_size(); ++i) {
    const std::string& path = req.field_rules(i).field();
    for (const auto& [data, category] : kCategoryData) {
      if ((path == data || absl::StartsWith(path, absl::StrCat(data, "."))) &&
          survivor->partner.category() != category) {
        return InvalidField(Child(Element("field_rules", i), "field"),
                            absl::StrCat("\"", path, "\" is not data of a ",
                                         v1::PartnerCategory_Name(survivor->partner.category())));
      }
    }
  }

  std::vector<const v1::Partner*> sources;
  for (const StoredPartner& m : merged) sources.push_back(&m.partner);
  std::vector<FieldChoice> choices;
  for (int i = 0; i < req.field_rules_size(); ++i) {
    const int source = plan.rule_sources[i];
    choices.push_back({req.field_rules(i).field(),
                       source < 0 ? &survivor->partner : &merged[source].partner});
  }
  absl::StatusOr<v1::Partner> result = MergedPartner(survivor->partner, sources, choices);
  if (!result.ok()) return result.status();
  NormalizePartner(&*result, /*clear_output_only=*/false);
  result->set_display_name(DisplayName(*result));
  Violations violations;
  ValidatePartner(*result, "survivor", absl::ToCivilDay(call.now, absl::UTCTimeZone()),
                  &violations);
  ValidateCustomValues(*result, LoadDefinitions(c), "survivor", &violations);
  if (!violations.empty()) {
    return FailedPrecondition(
        "MERGE_RESULT_INVALID", req.survivor(),
        absl::StrCat("the merged partner would break these rules: ", Describe(violations),
                     "; choose the values with field_rules"));
  }

  const v1::Partner before = survivor->partner;
  survivor->partner = *std::move(result);
  Save(c, call, plan.survivor_id, before, *survivor, req.request_id());
  MoveRelationships(c, call, plan.merged_ids, plan.survivor_id, req.request_id(), resp);
  for (size_t i = 0; i < merged.size(); ++i) {
    const std::string& id = plan.merged_ids[i];
    MoveConsent(c, call, id, plan.survivor_id, req.request_id(), resp);
    MarkMerged(c, call, id, merged[i], survivor->partner.name(), req.request_id(), resp);
  }
  *resp->mutable_survivor() = survivor->partner;
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* PartnersService::MergePartners(grpc::CallbackServerContext* context,
                                                         const v1::MergePartnersRequest* request,
                                                         v1::MergePartnersResponse* response) {
  return server::RunUnary(
      runtime_, context, "MergePartners", request, response,
      [this](const CallContext& call, const v1::MergePartnersRequest& req,
             v1::MergePartnersResponse* resp) -> absl::Status {
        absl::StatusOr<MergePlan> plan = PlanMerge(req);
        if (!plan.ok()) return plan.status();
        const std::string fingerprint = api::RequestFingerprint(req);
        bool dry_run_done = false;
        absl::Status status = runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          if (req.validate_only()) {
            if (absl::Status s = Merge(c, call, req, *plan, resp); !s.ok()) return s;
            // Failing the write rolls back its savepoint: the result is
            // computed by the code that would write it, and nothing stays.
            dry_run_done = true;
            return absl::AbortedError("validate_only");
          }
          return api::RunOnce(c, call.method, req.request_id(), fingerprint,
                              api::TimeToMicros(call.now), resp,
                              [&]() { return Merge(c, call, req, *plan, resp); });
        });
        return dry_run_done ? absl::OkStatus() : status;
      });
}

}  // namespace crm::partners
