#include "services/marketing/marketing_plan_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "services/marketing/budget_store.h"
#include "services/marketing/campaign_rules.h"
#include "services/marketing/schema.h"

namespace crm::marketing {
namespace {

using server::CallContext;
using server::ResourceKind;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

absl::Status CheckPlanHoldsCampaigns(db::Connection& c, const v1::MarketingPlan& plan) {
  SQLite::Statement& outside = c.Prepare(
      "SELECT id FROM campaigns WHERE marketing_plan = ?1 AND (start_date < ?2 OR end_date > ?3) "
      "ORDER BY start_date LIMIT 1",
      {plan.name(), api::IsoDate(plan.start_date()), api::IsoDate(plan.end_date())});
  if (!outside.executeStep()) return absl::OkStatus();
  const std::string campaign = absl::StrCat("campaigns/", outside.getColumn(0).getString());
  outside.reset();
  return FailedPrecondition(
      "OUTSIDE_PLAN", campaign,
      absl::StrCat("lies outside the period ", api::IsoDate(plan.start_date()), " to ",
                   api::IsoDate(plan.end_date()), "; move it first"));
}

const ResourceKind<v1::MarketingPlan>& Plans() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::MarketingPlan>;
    k->table = &MarketingPlanTable();
    k->field = "marketing_plan";
    k->update_rules = {{"currency_code"}, {"allocated_budget", "actual_cost"}};
    k->normalize = [](v1::MarketingPlan* plan) {
      plan->clear_allocated_budget();
      plan->clear_actual_cost();
    };
    k->validate = ValidateMarketingPlan;
    k->check_stored = [](db::Connection& c, const v1::MarketingPlan* before,
                         const v1::MarketingPlan& plan) -> absl::Status {
      return before == nullptr ? absl::OkStatus() : CheckPlanHoldsCampaigns(c, plan);
    };
    k->check_delete = [](db::Connection& c, const v1::MarketingPlan& plan) -> absl::Status {
      if (c.QueryInt64("SELECT count(*) FROM campaigns WHERE marketing_plan = ?1", {plan.name()}) >
          0) {
        return FailedPrecondition("IN_USE", plan.name(),
                                  "campaigns belong to the plan; move or delete them first");
      }
      if (c.QueryInt64("SELECT count(*) FROM cost_items WHERE marketing_plan = ?1", {plan.name()}) >
          0) {
        return FailedPrecondition("IN_USE", plan.name(), "cost items are booked on the plan");
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

// The currency of the plan or campaign a cost item is booked on; NOT_FOUND
// when it does not exist.
absl::StatusOr<std::string> CurrencyOfTarget(db::Connection& c, const v1::CostItem& item) {
  if (!item.marketing_plan().empty()) {
    auto plan = MarketingPlanTable().Load<v1::MarketingPlan>(c, IdOf(item.marketing_plan()));
    if (!plan) return NotFound(item.marketing_plan());
    return plan->resource.currency_code();
  }
  auto campaign = CampaignTable().Load<v1::Campaign>(c, IdOf(item.campaign()));
  if (!campaign) return NotFound(item.campaign());
  return campaign->resource.currency_code();
}

const ResourceKind<v1::CostItem>& CostItems() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::CostItem>;
    k->table = &CostItemTable();
    k->field = "cost_item";
    k->update_rules = {{"marketing_plan", "campaign"}, {}};
    k->validate = ValidateCostItem;
    k->check_stored = [](db::Connection& c, const v1::CostItem*,
                         const v1::CostItem& item) -> absl::Status {
      absl::StatusOr<std::string> currency = CurrencyOfTarget(c, item);
      if (!currency.ok()) return currency.status();
      if (item.amount().currency_code() != *currency) {
        return InvalidField(
            "cost_item.amount.currency_code",
            absl::StrCat("must be ", *currency, ", the currency of ",
                         item.campaign().empty() ? item.marketing_plan() : item.campaign()));
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& PlanFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"currency_code", api::FieldType::kString, "currency_code", {}},
      {"start_date", api::FieldType::kDate, "start_date", {}},
      {"end_date", api::FieldType::kDate, "end_date", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& CostItemFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"marketing_plan", api::FieldType::kString, "marketing_plan", {}},
      {"campaign", api::FieldType::kString, "campaign", {}},
      {"incurred_date", api::FieldType::kDate, "incurred_date", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& PlanOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{{"start_date", "start_date", false}};
  return *fields;
}

const std::vector<api::OrderField>& CostItemOrderFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"incurred_date", "incurred_date", false}};
  return *fields;
}

absl::Status FillTotals(server::Runtime& runtime, v1::MarketingPlan* plan) {
  return runtime.db().Read([&](db::Connection& c) {
    FillPlanTotals(c, plan);
    return absl::OkStatus();
  });
}

}  // namespace

grpc::ServerUnaryReactor* MarketingPlanService::CreateMarketingPlan(
    grpc::CallbackServerContext* context, const v1::CreateMarketingPlanRequest* request,
    v1::MarketingPlan* response) {
  return server::RunUnary(runtime_, context, "CreateMarketingPlan", request, response,
                          [this](const CallContext& call, const v1::CreateMarketingPlanRequest& req,
                                 v1::MarketingPlan* resp) -> absl::Status {
                            absl::Status s = server::CreateResource(
                                runtime_, call, Plans(), "", "",
                                req.has_marketing_plan() ? &req.marketing_plan() : nullptr,
                                req.request_id(), req, resp);
                            if (!s.ok()) return s;
                            return FillTotals(runtime_, resp);
                          });
}

grpc::ServerUnaryReactor* MarketingPlanService::GetMarketingPlan(
    grpc::CallbackServerContext* context, const v1::GetMarketingPlanRequest* request,
    v1::MarketingPlan* response) {
  return server::RunUnary(runtime_, context, "GetMarketingPlan", request, response,
                          [this](const CallContext&, const v1::GetMarketingPlanRequest& req,
                                 v1::MarketingPlan* resp) -> absl::Status {
                            absl::Status s =
                                server::GetResource(runtime_, Plans(), req.name(), resp);
                            if (!s.ok()) return s;
                            return FillTotals(runtime_, resp);
                          });
}

grpc::ServerUnaryReactor* MarketingPlanService::ListMarketingPlans(
    grpc::CallbackServerContext* context, const v1::ListMarketingPlansRequest* request,
    v1::ListMarketingPlansResponse* response) {
  return server::RunUnary(runtime_, context, "ListMarketingPlans", request, response,
                          [this](const CallContext&, const v1::ListMarketingPlansRequest& req,
                                 v1::ListMarketingPlansResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                PlanFilterFields(), PlanOrderFields(), "start_date desc");
                            if (!query.ok()) return query.status();
                            absl::Status s = server::ListResources(runtime_, Plans(), *query,
                                                                   resp->mutable_marketing_plans(),
                                                                   resp->mutable_next_page_token());
                            if (!s.ok()) return s;
                            return runtime_.db().Read([&](db::Connection& c) {
                              for (v1::MarketingPlan& plan : *resp->mutable_marketing_plans())
                                FillPlanTotals(c, &plan);
                              return absl::OkStatus();
                            });
                          });
}

grpc::ServerUnaryReactor* MarketingPlanService::UpdateMarketingPlan(
    grpc::CallbackServerContext* context, const v1::UpdateMarketingPlanRequest* request,
    v1::MarketingPlan* response) {
  return server::RunUnary(runtime_, context, "UpdateMarketingPlan", request, response,
                          [this](const CallContext& call, const v1::UpdateMarketingPlanRequest& req,
                                 v1::MarketingPlan* resp) -> absl::Status {
                            absl::Status s = server::UpdateResource(
                                runtime_, call, Plans(),
                                req.has_marketing_plan() ? &req.marketing_plan() : nullptr,
                                req.update_mask(), resp);
                            if (!s.ok()) return s;
                            return FillTotals(runtime_, resp);
                          });
}

grpc::ServerUnaryReactor* MarketingPlanService::DeleteMarketingPlan(
    grpc::CallbackServerContext* context, const v1::DeleteMarketingPlanRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteMarketingPlan", request, response,
                          [this](const CallContext& call, const v1::DeleteMarketingPlanRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, Plans(), req.name(),
                                                          req.etag());
                          });
}

grpc::ServerUnaryReactor* MarketingPlanService::CreateCostItem(
    grpc::CallbackServerContext* context, const v1::CreateCostItemRequest* request,
    v1::CostItem* response) {
  return server::RunUnary(
      runtime_, context, "CreateCostItem", request, response,
      [this](const CallContext& call, const v1::CreateCostItemRequest& req, v1::CostItem* resp) {
        return server::CreateResource(runtime_, call, CostItems(), "", "",
                                      req.has_cost_item() ? &req.cost_item() : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* MarketingPlanService::GetCostItem(grpc::CallbackServerContext* context,
                                                            const v1::GetCostItemRequest* request,
                                                            v1::CostItem* response) {
  return server::RunUnary(
      runtime_, context, "GetCostItem", request, response,
      [this](const CallContext&, const v1::GetCostItemRequest& req, v1::CostItem* resp) {
        return server::GetResource(runtime_, CostItems(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* MarketingPlanService::ListCostItems(
    grpc::CallbackServerContext* context, const v1::ListCostItemsRequest* request,
    v1::ListCostItemsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListCostItems", request, response,
      [this](const CallContext&, const v1::ListCostItemsRequest& req,
             v1::ListCostItemsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), "", CostItemFilterFields(),
            CostItemOrderFields(), "incurred_date desc");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, CostItems(), *query, resp->mutable_cost_items(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* MarketingPlanService::UpdateCostItem(
    grpc::CallbackServerContext* context, const v1::UpdateCostItemRequest* request,
    v1::CostItem* response) {
  return server::RunUnary(
      runtime_, context, "UpdateCostItem", request, response,
      [this](const CallContext& call, const v1::UpdateCostItemRequest& req, v1::CostItem* resp) {
        return server::UpdateResource(runtime_, call, CostItems(),
                                      req.has_cost_item() ? &req.cost_item() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* MarketingPlanService::DeleteCostItem(
    grpc::CallbackServerContext* context, const v1::DeleteCostItemRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteCostItem", request, response,
                          [this](const CallContext& call, const v1::DeleteCostItemRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, CostItems(), req.name(),
                                                          req.etag());
                          });
}

}  // namespace crm::marketing
