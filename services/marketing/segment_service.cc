#include "services/marketing/segment_service.h"

#include <limits>
#include <map>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/client/peer_call.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "services/marketing/consent_check.h"
#include "services/marketing/execution_rules.h"
#include "services/marketing/schema.h"
#include "services/marketing/segment_rules.h"

namespace crm::marketing {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr int kPartnersPage = 1000;

const ResourceKind<v1::Segment>& Segments() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Segment>;
    k->table = &SegmentTable();
    k->field = "segment";
    k->validate = ValidateSegment;
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::TargetGroup>& TargetGroups() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::TargetGroup>;
    k->table = &TargetGroupTable();
    k->field = "target_group";
    return k;
  }();
  return *kind;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

const std::vector<api::FilterField>& TargetGroupFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"segment", api::FieldType::kString, "segment", {}},
      {"channel", api::FieldType::kEnum, "channel",
       api::EnumFilterValues(v1::Channel_descriptor())},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& MemberFilterFields() {
  static const auto* fields =
      new std::vector<api::FilterField>{{"control", api::FieldType::kBool, "control", {}}};
  return *fields;
}

// The active partners who meet the criteria, read from partners a page at
// a time.
absl::Status ReadCandidates(partners::PartnersClient& partners, absl::Time deadline,
                            const v1::SegmentCriteria& criteria, v1::Channel channel,
                            const google::type::Date& today, std::vector<MemberSnapshot>* out) {
  partners::v1::ListPartnersRequest request;
  request.set_filter(PartnersFilter(criteria));
  request.set_page_size(kPartnersPage);
  do {
    absl::StatusOr<partners::v1::ListPartnersResponse> page =
        partners.ListPartners(request, deadline);
    if (!page.ok()) return client::PeerFailure(page.status(), "partners", "read the partners");
    for (const partners::v1::Partner& partner : page->partners()) {
      if (MatchesCriteria(criteria, partner, today)) {
        out->push_back(SnapshotOf(partner, channel));
      }
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* SegmentService::CreateSegment(grpc::CallbackServerContext* context,
                                                        const v1::CreateSegmentRequest* request,
                                                        v1::Segment* response) {
  return server::RunUnary(
      runtime_, context, "CreateSegment", request, response,
      [this](const CallContext& call, const v1::CreateSegmentRequest& req, v1::Segment* resp) {
        return server::CreateResource(runtime_, call, Segments(), "", "",
                                      req.has_segment() ? &req.segment() : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* SegmentService::GetSegment(grpc::CallbackServerContext* context,
                                                     const v1::GetSegmentRequest* request,
                                                     v1::Segment* response) {
  return server::RunUnary(
      runtime_, context, "GetSegment", request, response,
      [this](const CallContext&, const v1::GetSegmentRequest& req, v1::Segment* resp) {
        return server::GetResource(runtime_, Segments(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* SegmentService::ListSegments(grpc::CallbackServerContext* context,
                                                       const v1::ListSegmentsRequest* request,
                                                       v1::ListSegmentsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSegments", request, response,
      [this](const CallContext&, const v1::ListSegmentsRequest& req,
             v1::ListSegmentsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), "", "", {}, NewestFirstFields(), "create_time desc");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Segments(), *query, resp->mutable_segments(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* SegmentService::UpdateSegment(grpc::CallbackServerContext* context,
                                                        const v1::UpdateSegmentRequest* request,
                                                        v1::Segment* response) {
  return server::RunUnary(
      runtime_, context, "UpdateSegment", request, response,
      [this](const CallContext& call, const v1::UpdateSegmentRequest& req, v1::Segment* resp) {
        return server::UpdateResource(runtime_, call, Segments(),
                                      req.has_segment() ? &req.segment() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* SegmentService::DeleteSegment(grpc::CallbackServerContext* context,
                                                        const v1::DeleteSegmentRequest* request,
                                                        google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteSegment", request, response,
                          [this](const CallContext& call, const v1::DeleteSegmentRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, Segments(), req.name(),
                                                          req.etag());
                          });
}

grpc::ServerUnaryReactor* SegmentService::BuildTargetGroup(
    grpc::CallbackServerContext* context, const v1::BuildTargetGroupRequest* request,
    v1::TargetGroup* response) {
  return server::RunUnary(
      runtime_, context, "BuildTargetGroup", request, response,
      [this](const CallContext& call, const v1::BuildTargetGroupRequest& req,
             v1::TargetGroup* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> segment_id =
            api::ParseResourceName(req.segment(), SegmentTable().collection(), "segment");
        violations.AddAll(segment_id.status());
        if (validation::CheckRequiredEnum(req.channel(), v1::Channel_IsValid, "channel",
                                          &violations) &&
            req.channel() == v1::CHANNEL_WEB) {
          violations.Add("channel",
                         "must not be web: web waves reach visitors, not a target group");
        }
        if (req.control_share_percent() < 0 || req.control_share_percent() > 90) {
          violations.Add("control_share_percent", "must be from 0 to 90");
        }
        validation::CheckText(req.display_name(), 200, "display_name", &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();

        v1::Segment segment;
        if (absl::Status s = server::GetResource(runtime_, Segments(), req.segment(), &segment);
            !s.ok()) {
          return s;
        }
        v1::TargetGroup group;
        group.set_segment(segment.name());
        group.set_display_name(
            req.display_name().empty()
                ? absl::StrCat(segment.display_name(), " ", api::IsoDate(api::UtcDate(call.now)))
                : req.display_name());
        group.set_channel(req.channel());
        *group.mutable_criteria() = segment.criteria();
        group.set_control_share_percent(req.control_share_percent());
        int64_t seed = req.seed();
        absl::BitGen random;
        if (seed == 0) {
          seed = absl::Uniform<int64_t>(random, 1, std::numeric_limits<int64_t>::max());
        }
        group.set_seed(seed);

        std::vector<MemberSnapshot> members;
        if (absl::Status s = ReadCandidates(*partners_, call.deadline, segment.criteria(),
                                            req.channel(), api::UtcDate(call.now), &members);
            !s.ok()) {
          return s;
        }
        std::vector<std::string> names;
        names.reserve(members.size());
        for (const MemberSnapshot& member : members) names.push_back(member.partner);
        absl::StatusOr<std::vector<bool>> contactable = CheckContactable(
            *partners_, call.deadline, req.channel(), call.now, names, group.mutable_exclusions());
        if (!contactable.ok()) return contactable.status();
        std::vector<MemberSnapshot> kept;
        names.clear();
        for (size_t i = 0; i < members.size(); ++i) {
          if (!(*contactable)[i]) continue;
          names.push_back(members[i].partner);
          kept.push_back(std::move(members[i]));
        }
        members = std::move(kept);
        const std::vector<bool> control =
            SplitControlGroup(names, req.control_share_percent(), seed);
        int control_count = 0;
        for (bool held_out : control) control_count += held_out ? 1 : 0;
        group.set_member_count(static_cast<int>(members.size()) - control_count);
        group.set_control_count(control_count);

        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                const std::string id = api::NewId();
                group.set_name(absl::StrCat(TargetGroupTable().collection(), "/", id));
                *group.mutable_create_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
                group.set_etag(api::EtagForRevision(1));
                TargetGroupTable().Insert(c, id, group);
                SQLite::Statement& insert = c.Prepare(
                    "INSERT INTO target_group_members (target_group_id, partner, display_name, "
                    "control, given_name, family_name, city, country_code, address) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    {});
                for (size_t i = 0; i < members.size(); ++i) {
                  const MemberSnapshot& member = members[i];
                  insert.bind(1, id);
                  insert.bind(2, member.partner);
                  insert.bind(3, member.display_name);
                  insert.bind(4, control[i] ? 1 : 0);
                  insert.bind(5, member.given_name);
                  insert.bind(6, member.family_name);
                  insert.bind(7, member.city);
                  insert.bind(8, member.country_code);
                  insert.bind(9, member.address);
                  insert.exec();
                  insert.reset();
                }
                feed::AppendChange(c, group.name(), feed::v1::CHANGE_KIND_CREATED, &group, call,
                                   req.request_id());
                *resp = group;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* SegmentService::GetTargetGroup(grpc::CallbackServerContext* context,
                                                         const v1::GetTargetGroupRequest* request,
                                                         v1::TargetGroup* response) {
  return server::RunUnary(
      runtime_, context, "GetTargetGroup", request, response,
      [this](const CallContext&, const v1::GetTargetGroupRequest& req, v1::TargetGroup* resp) {
        return server::GetResource(runtime_, TargetGroups(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* SegmentService::ListTargetGroups(
    grpc::CallbackServerContext* context, const v1::ListTargetGroupsRequest* request,
    v1::ListTargetGroupsResponse* response) {
  return server::RunUnary(runtime_, context, "ListTargetGroups", request, response,
                          [this](const CallContext&, const v1::ListTargetGroupsRequest& req,
                                 v1::ListTargetGroupsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                TargetGroupFilterFields(), NewestFirstFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, TargetGroups(), *query,
                                                         resp->mutable_target_groups(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* SegmentService::ListTargetGroupMembers(
    grpc::CallbackServerContext* context, const v1::ListTargetGroupMembersRequest* request,
    v1::ListTargetGroupMembersResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListTargetGroupMembers", request, response,
      [this](const CallContext&, const v1::ListTargetGroupMembersRequest& req,
             v1::ListTargetGroupMembersResponse* resp) -> absl::Status {
        absl::StatusOr<std::string> id =
            api::ParseResourceName(req.parent(), TargetGroupTable().collection(), "parent");
        if (!id.ok()) return id.status();
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), server::kDefaultPageSize, server::kMaxPageSize);
        if (!page_size.ok()) return page_size.status();
        absl::StatusOr<db::SqlFragment> where =
            api::CompileFilter(req.filter(), MemberFilterFields());
        if (!where.ok()) return where.status();
        const api::OrderBy order{{{"display_name", false, false}, {"partner", false, false}}};
        const std::string fingerprint = absl::StrCat(req.parent(), "\n", req.filter());
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), fingerprint, order);
        if (!after.ok()) return after.status();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          if (!TargetGroupTable().Exists(c, *id)) return NotFound(req.parent());
          std::vector<db::SqlValue> params = {*id};
          std::string sql =
              "SELECT partner, display_name, control FROM target_group_members WHERE "
              "target_group_id = ?";
          if (!where->sql.empty()) {
            absl::StrAppend(&sql, " AND (", where->sql, ")");
            params.insert(params.end(), where->params.begin(), where->params.end());
          }
          if (!after->empty()) {
            const db::SqlFragment keyset = api::AfterCondition(order, *after);
            absl::StrAppend(&sql, " AND ", keyset.sql);
            params.insert(params.end(), keyset.params.begin(), keyset.params.end());
          }
          absl::StrAppend(&sql, " ORDER BY ", api::OrderBySql(order), " LIMIT ", *page_size + 1);
          SQLite::Statement& select = c.Prepare(sql, params);
          while (select.executeStep()) {
            if (resp->members_size() == *page_size) {
              const v1::TargetGroupMember& last = resp->members(*page_size - 1);
              resp->set_next_page_token(
                  api::EncodePageToken(fingerprint, {last.display_name(), last.partner()}));
              break;
            }
            v1::TargetGroupMember* member = resp->add_members();
            member->set_partner(select.getColumn(0).getString());
            member->set_display_name(select.getColumn(1).getString());
            member->set_control(select.getColumn(2).getInt() != 0);
          }
          select.reset();
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::marketing
