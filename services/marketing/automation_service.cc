#include "services/marketing/automation_service.h"

#include "absl/strings/str_cat.h"
#include "common/server/resource_handlers.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "services/marketing/automation_rules.h"
#include "services/marketing/schema.h"

namespace crm::marketing {
namespace {

using server::CallContext;
using server::ResourceKind;

// The rule's campaign exists and has its wave, which makes contacts.
absl::Status CheckRuleTarget(db::Connection& c, const v1::AutomationRule*,
                             const v1::AutomationRule& rule) {
  auto campaign =
      CampaignTable().Load<v1::Campaign>(c, rule.campaign().substr(rule.campaign().find('/') + 1));
  if (!campaign) return NotFound(rule.campaign());
  for (const v1::Wave& wave : campaign->resource.waves()) {
    if (wave.wave_id() != rule.wave_id()) continue;
    if (wave.channel() == v1::CHANNEL_WEB) {
      return InvalidField("automation_rule.wave_id",
                          "is a web wave, which reaches visitors and makes no contacts");
    }
    return absl::OkStatus();
  }
  return InvalidField("automation_rule.wave_id",
                      absl::StrCat("is not a wave of ", rule.campaign()));
}

const ResourceKind<v1::AutomationRule>& Rules() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::AutomationRule>;
    k->table = &AutomationRuleTable();
    k->field = "automation_rule";
    k->update_rules = {{"resource_type"}, {}};
    k->validate = ValidateAutomationRule;
    k->check_stored = CheckRuleTarget;
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::AutomationRun>& Runs() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::AutomationRun>;
    k->table = &AutomationRunTable();
    k->field = "automation_run";
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& RunFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"rule", api::FieldType::kString, "rule", {}},
      {"source", api::FieldType::kString, "source", {}},
      {"partner", api::FieldType::kString, "partner", {}},
      {"outcome", api::FieldType::kEnum, "outcome",
       api::EnumFilterValues(v1::AutomationOutcome_descriptor())},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

}  // namespace

grpc::ServerUnaryReactor* AutomationService::CreateAutomationRule(
    grpc::CallbackServerContext* context, const v1::CreateAutomationRuleRequest* request,
    v1::AutomationRule* response) {
  return server::RunUnary(
      runtime_, context, "CreateAutomationRule", request, response,
      [this](const CallContext& call, const v1::CreateAutomationRuleRequest& req,
             v1::AutomationRule* resp) {
        return server::CreateResource(runtime_, call, Rules(), "", "",
                                      req.has_automation_rule() ? &req.automation_rule() : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* AutomationService::GetAutomationRule(
    grpc::CallbackServerContext* context, const v1::GetAutomationRuleRequest* request,
    v1::AutomationRule* response) {
  return server::RunUnary(runtime_, context, "GetAutomationRule", request, response,
                          [this](const CallContext&, const v1::GetAutomationRuleRequest& req,
                                 v1::AutomationRule* resp) {
                            return server::GetResource(runtime_, Rules(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* AutomationService::ListAutomationRules(
    grpc::CallbackServerContext* context, const v1::ListAutomationRulesRequest* request,
    v1::ListAutomationRulesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListAutomationRules", request, response,
      [this](const CallContext&, const v1::ListAutomationRulesRequest& req,
             v1::ListAutomationRulesResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order = api::OrderBy{{{"create_time", false, true}, {"id", false, false}}};
        return server::ListResources(runtime_, Rules(), query, resp->mutable_automation_rules(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* AutomationService::UpdateAutomationRule(
    grpc::CallbackServerContext* context, const v1::UpdateAutomationRuleRequest* request,
    v1::AutomationRule* response) {
  return server::RunUnary(
      runtime_, context, "UpdateAutomationRule", request, response,
      [this](const CallContext& call, const v1::UpdateAutomationRuleRequest& req,
             v1::AutomationRule* resp) {
        return server::UpdateResource(runtime_, call, Rules(),
                                      req.has_automation_rule() ? &req.automation_rule() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* AutomationService::DeleteAutomationRule(
    grpc::CallbackServerContext* context, const v1::DeleteAutomationRuleRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteAutomationRule", request, response,
      [this](const CallContext& call, const v1::DeleteAutomationRuleRequest& req,
             google::protobuf::Empty*) {
        return server::DeleteResource(runtime_, call, Rules(), req.name(), req.etag());
      });
}

grpc::ServerUnaryReactor* AutomationService::ListAutomationRuns(
    grpc::CallbackServerContext* context, const v1::ListAutomationRunsRequest* request,
    v1::ListAutomationRunsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListAutomationRuns", request, response,
      [this](const CallContext&, const v1::ListAutomationRunsRequest& req,
             v1::ListAutomationRunsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      RunFilterFields(), NewestFirstFields(), "create_time desc");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Runs(), *query, resp->mutable_automation_runs(),
                                     resp->mutable_next_page_token());
      });
}

}  // namespace crm::marketing
