#include "services/sales/activity_service.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "services/partners/client/partner_refs.h"
#include "services/sales/activity_validation.h"
#include "services/sales/schema.h"

namespace crm::sales {
namespace {

using server::CallContext;
using validation::Child;
using validation::Element;

constexpr char kActivity[] = "activity";
constexpr absl::Duration kMaxCalendarPeriod = absl::Hours(24 * 366);

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const server::ResourceKind<v1::Activity>& Activities() {
  static const auto* kind = [] {
    auto* k = new server::ResourceKind<v1::Activity>;
    k->table = &ActivityTable();
    k->field = kActivity;
    k->update_rules = {{"type"}, {"finish_time"}};
    return k;
  }();
  return *kind;
}

const api::FieldMaskRules& UpdateRules() {
  static const auto* rules =
      new api::FieldMaskRules(server::WithOutputOnlyFields(Activities().update_rules));
  return *rules;
}

std::vector<partners::PartnerRef> PartnerRefsOf(v1::Activity* a) {
  std::vector<partners::PartnerRef> refs = {
      {a->mutable_owner(), Child(kActivity, "owner"), partners::PartnerNeed::kEmployee}};
  for (int i = 0; i < a->partners_size(); ++i) {
    refs.push_back({a->mutable_partners(i), Element(Child(kActivity, "partners"), i),
                    partners::PartnerNeed::kExists});
  }
  return refs;
}

// The checks that need this database, and the side table of partners.
absl::Status CheckOpportunity(db::Connection& c, const v1::Activity& activity) {
  if (activity.opportunity().empty() ||
      OpportunityTable().Exists(c, IdOf(activity.opportunity()))) {
    return absl::OkStatus();
  }
  return NotFound(activity.opportunity());
}

void WritePartners(db::Connection& c, const std::string& id, const v1::Activity& activity) {
  c.Run("DELETE FROM activity_partners WHERE activity_id = ?1", {id});
  for (const std::string& partner : activity.partners()) {
    c.Run("INSERT INTO activity_partners (activity_id, partner) VALUES (?1, ?2)", {id, partner});
  }
}

void StampFinish(const CallContext& call, v1::ActivityStatus before, v1::Activity* activity) {
  if (activity->status() == v1::ACTIVITY_STATUS_UNSPECIFIED) {
    activity->set_status(v1::ACTIVITY_STATUS_OPEN);
  }
  if (!IsFinished(before) && IsFinished(activity->status())) {
    *activity->mutable_finish_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  }
}

const std::vector<api::FilterField>& ActivityFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"owner", api::FieldType::kString, "owner", {}},
      {"type", api::FieldType::kEnum, "type", api::EnumFilterValues(v1::ActivityType_descriptor())},
      {"status", api::FieldType::kEnum, "status",
       api::EnumFilterValues(v1::ActivityStatus_descriptor())},
      {"opportunity", api::FieldType::kString, "opportunity", {}},
      {"partner", api::FieldType::kString,
       "EXISTS (SELECT 1 FROM activity_partners ap WHERE ap.activity_id = id AND ap.partner = ?)",
       {}},
      {"calendar_time", api::FieldType::kTimestamp, "calendar_start", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
      {"update_time", api::FieldType::kTimestamp, "update_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& ActivityOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{
      {"calendar_time", kCalendarOrderKey, true},
      {"create_time", "create_time", true},
      {"update_time", "update_time", true},
  };
  return *fields;
}

const api::OrderKey kById{"id", false, false};

}  // namespace

grpc::ServerUnaryReactor* ActivityService::CreateActivity(grpc::CallbackServerContext* context,
                                                          const v1::CreateActivityRequest* request,
                                                          v1::Activity* response) {
  return server::RunUnary(
      runtime_, context, "CreateActivity", request, response,
      [this](const CallContext& call, const v1::CreateActivityRequest& req,
             v1::Activity* resp) -> absl::Status {
        Violations violations;
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        v1::Activity activity = req.activity();
        ClearActivityOutputOnly(&activity);
        if (!req.has_activity()) {
          violations.Add(kActivity, "is required");
        } else {
          ValidateActivity(activity, kActivity, &violations);
        }
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();
        if (absl::Status s = partners::ResolvePartnerRefs(*partners_, call.deadline,
                                                          PartnerRefsOf(&activity), {}, nullptr);
            !s.ok()) {
          return s;
        }
        ValidateActivity(activity, kActivity, &violations);  // merged names may now repeat
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                if (absl::Status s = CheckOpportunity(c, activity); !s.ok()) return s;
                const std::string id = api::NewId();
                activity.set_name(absl::StrCat(ActivityTable().collection(), "/", id));
                StampFinish(call, v1::ACTIVITY_STATUS_OPEN, &activity);
                *activity.mutable_create_time() =
                    api::MicrosToTimestamp(api::TimeToMicros(call.now));
                *activity.mutable_update_time() = activity.create_time();
                activity.set_etag(api::EtagForRevision(1));
                ActivityTable().Insert(c, id, activity);
                WritePartners(c, id, activity);
                feed::AppendChange(c, activity.name(), feed::v1::CHANGE_KIND_CREATED, &activity,
                                   call, req.request_id());
                *resp = activity;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* ActivityService::GetActivity(grpc::CallbackServerContext* context,
                                                       const v1::GetActivityRequest* request,
                                                       v1::Activity* response) {
  return server::RunUnary(
      runtime_, context, "GetActivity", request, response,
      [this](const CallContext&, const v1::GetActivityRequest& req, v1::Activity* resp) {
        return server::GetResource(runtime_, Activities(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* ActivityService::ListActivities(grpc::CallbackServerContext* context,
                                                          const v1::ListActivitiesRequest* request,
                                                          v1::ListActivitiesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListActivities", request, response,
      [this](const CallContext&, const v1::ListActivitiesRequest& req,
             v1::ListActivitiesResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), req.order_by(),
            ActivityFilterFields(), ActivityOrderFields(), "create_time");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Activities(), *query, resp->mutable_activities(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* ActivityService::UpdateActivity(grpc::CallbackServerContext* context,
                                                          const v1::UpdateActivityRequest* request,
                                                          v1::Activity* response) {
  return server::RunUnary(
      runtime_, context, "UpdateActivity", request, response,
      [this](const CallContext& call, const v1::UpdateActivityRequest& req,
             v1::Activity* resp) -> absl::Status {
        if (!req.has_activity()) return InvalidField(kActivity, "is required");
        const v1::Activity& sent = req.activity();
        absl::StatusOr<std::string> id =
            api::ParseResourceName(sent.name(), ActivityTable().collection(), "activity.name");
        if (!id.ok()) return id.status();
        v1::Activity probe;
        if (absl::Status s = api::ApplyFieldMask(req.update_mask(), sent, &probe, UpdateRules());
            !s.ok()) {
          return s;
        }
        std::map<std::string, std::string> renames;
        // The stored activity with the change applied, checked: the cheap
        // refusals before partners is asked, and again in the write.
        auto apply = [&](db::Connection& c,
                         db::Stored<v1::Activity>* stored) -> absl::StatusOr<v1::Activity> {
          auto loaded = ActivityTable().Load<v1::Activity>(c, *id);
          if (!loaded) return NotFound(sent.name());
          *stored = *std::move(loaded);
          if (absl::Status s = api::CheckEtag(sent.etag(), stored->revision, sent.name()); !s.ok()) {
            return s;
          }
          if (IsFinished(stored->resource.status())) {
            return FailedPrecondition(
                "FINISHED", sent.name(),
                absl::StrCat("is ", v1::ActivityStatus_Name(stored->resource.status()),
                             "; it changes no more"));
          }
          v1::Activity updated = stored->resource;
          if (absl::Status s = api::ApplyFieldMask(req.update_mask(), sent, &updated, UpdateRules());
              !s.ok()) {
            return s;
          }
          partners::ApplyRenames(renames, PartnerRefsOf(&updated));
          Violations violations;
          ValidateActivity(updated, kActivity, &violations);
          if (!violations.empty()) return violations.ToStatus();
          return updated;
        };
        {
          db::Stored<v1::Activity> stored;
          absl::StatusOr<v1::Activity> updated;
          if (absl::Status s = runtime_.db().Read([&](db::Connection& c) {
                updated = apply(c, &stored);
                return absl::OkStatus();
              });
              !s.ok()) {
            return s;
          }
          if (!updated.ok()) return updated.status();
          if (absl::Status s = partners::ResolvePartnerRefs(
                  *partners_, call.deadline, PartnerRefsOf(&*updated),
                  partners::CheckedBy(PartnerRefsOf(&stored.resource)), &renames);
              !s.ok()) {
            return s;
          }
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          db::Stored<v1::Activity> stored;
          absl::StatusOr<v1::Activity> updated = apply(c, &stored);
          if (!updated.ok()) return updated.status();
          if (absl::Status s = CheckOpportunity(c, *updated); !s.ok()) return s;
          StampFinish(call, stored.resource.status(), &*updated);
          *updated->mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
          updated->set_etag(api::EtagForRevision(stored.revision + 1));
          ActivityTable().Replace(c, *id, *updated, stored.revision + 1);
          WritePartners(c, *id, *updated);
          feed::AppendChange(c, updated->name(), feed::v1::CHANGE_KIND_UPDATED, &*updated, call,
                             "");
          *resp = *std::move(updated);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* ActivityService::DeleteActivity(grpc::CallbackServerContext* context,
                                                          const v1::DeleteActivityRequest* request,
                                                          google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteActivity", request, response,
      [this](const CallContext& call, const v1::DeleteActivityRequest& req,
             google::protobuf::Empty*) -> absl::Status {
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.name(), ActivityTable().collection(), "name");
        if (!id.ok()) return id.status();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          auto stored = ActivityTable().Load<v1::Activity>(c, *id);
          if (!stored) return NotFound(req.name());
          if (absl::Status s = api::CheckEtag(req.etag(), stored->revision, req.name()); !s.ok()) {
            return s;
          }
          c.Run("DELETE FROM activity_partners WHERE activity_id = ?1", {*id});
          ActivityTable().Delete(c, *id);
          feed::AppendChange(c, req.name(), feed::v1::CHANGE_KIND_DELETED, nullptr, call, "");
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* ActivityService::ListCalendar(grpc::CallbackServerContext* context,
                                                        const v1::ListCalendarRequest* request,
                                                        v1::ListCalendarResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListCalendar", request, response,
      [this](const CallContext&, const v1::ListCalendarRequest& req,
             v1::ListCalendarResponse* resp) -> absl::Status {
        Violations violations;
        if (req.owner().empty()) {
          violations.Add("owner", "is required");
        } else {
          violations.AddAll(api::ParseResourceName(req.owner(), "partners", "owner").status());
        }
        bool times_ok = true;
        for (const auto& [field, set, time] :
             {std::make_tuple("start_time", req.has_start_time(), &req.start_time()),
              std::make_tuple("end_time", req.has_end_time(), &req.end_time())}) {
          if (!set) {
            violations.Add(field, "is required");
            times_ok = false;
          } else if (!api::IsValidTimestamp(*time)) {
            violations.Add(field, "must be a valid time between the years 1 and 9999");
            times_ok = false;
          }
        }
        int64_t from = 0, to = 0;
        if (times_ok) {
          from = api::TimestampToMicros(req.start_time());
          to = api::TimestampToMicros(req.end_time());
          if (to <= from) {
            violations.Add("end_time", "must be after start_time");
          } else if (absl::Microseconds(to - from) > kMaxCalendarPeriod) {
            violations.Add("end_time", "must be within 366 days of start_time");
          }
        }
        if (!violations.empty()) return violations.ToStatus();
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.fingerprint =
            absl::StrCat(req.owner(), "\n", from, "\n", to, "\n", req.include_cancelled());
        // Overlapping the period: a span ending at its start is outside,
        // a due time at its start is inside.
        query.where = {
            "owner = ? AND calendar_start < ? AND (calendar_end > ? OR "
            "(calendar_end = calendar_start AND calendar_end >= ?))",
            {req.owner(), to, from, from}};
        if (!req.include_cancelled()) {
          query.where.sql += " AND status != ?";
          query.where.params.emplace_back(int64_t{v1::ACTIVITY_STATUS_CANCELLED});
        }
        query.order.keys = {{"calendar_start", false, true}, kById};  // never NULL here
        return server::ListResources(runtime_, Activities(), query, resp->mutable_activities(),
                                     resp->mutable_next_page_token());
      });
}

}  // namespace crm::sales
