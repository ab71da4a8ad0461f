#include "services/sales/planning_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/sales/planning_rules.h"
#include "services/sales/revenue_store.h"
#include "services/sales/schema.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kSalesTarget[] = "sales_target";
constexpr char kCommissionPlan[] = "commission_plan";

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

bool Overlap(const google::type::Date& a_first, const google::type::Date& a_last,
             const google::type::Date& b_first, const google::type::Date& b_last) {
  return api::CompareDates(a_first, b_last) <= 0 && api::CompareDates(b_first, a_last) <= 0;
}

const ResourceKind<v1::SalesTarget>& SalesTargets() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::SalesTarget>;
    k->table = &SalesTargetTable();
    k->field = kSalesTarget;
    k->validate = ValidateSalesTarget;
    k->check_stored = [](db::Connection& c, const v1::SalesTarget*,
                         const v1::SalesTarget& t) -> absl::Status {
      if (!t.territory().empty() && !TerritoryTable().Exists(c, IdOf(t.territory()))) {
        return NotFound(t.territory());
      }
      const int64_t same = c.QueryInt64(
          "SELECT count(*) FROM sales_targets WHERE start_date = ?1 AND end_date = ?2 AND "
          "territory = ?3 AND sales_rep = ?4 AND product_group = ?5 AND currency_code = ?6 AND "
          "id != ?7",
          {api::IsoDate(t.start_date()), api::IsoDate(t.end_date()), t.territory(), t.sales_rep(),
           t.product_group(), t.amount().currency_code(), IdOf(t.name())});
      if (same > 0) {
        return AlreadyExists(t.name(),
                             "another target has the same period, territory, rep, product group "
                             "and currency; change that one");
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::CommissionPlan>& CommissionPlans() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::CommissionPlan>;
    k->table = &CommissionPlanTable();
    k->field = kCommissionPlan;
    k->validate = ValidateCommissionPlan;
    // A rep is paid by one plan per currency at a time.
    k->check_stored = [](db::Connection& c, const v1::CommissionPlan*,
                         const v1::CommissionPlan& plan) -> absl::Status {
      static const api::OrderBy by_id{{{"id", false, false}}};
      for (const v1::CommissionPlan& other :
           CommissionPlanTable().List<v1::CommissionPlan>(c, {}, by_id, {}, 1'000'000).resources) {
        if (other.name() == plan.name() || other.currency_code() != plan.currency_code() ||
            !Overlap(plan.valid_from(), plan.valid_to(), other.valid_from(), other.valid_to())) {
          continue;
        }
        for (int i = 0; i < plan.sales_reps_size(); ++i) {
          for (const std::string& rep : other.sales_reps()) {
            if (rep == plan.sales_reps(i)) {
              return FailedPrecondition(
                  "PLAN_OVERLAP", validation::Element("commission_plan.sales_reps", i),
                  absl::StrCat(rep, " is already paid by ", other.name(), " in ",
                               plan.currency_code(), " from ", api::IsoDate(other.valid_from()),
                               " to ", api::IsoDate(other.valid_to())));
            }
          }
        }
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& TargetFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"territory", api::FieldType::kString, "territory", {}},
      {"sales_rep", api::FieldType::kString, "sales_rep", {}},
      {"product_group", api::FieldType::kString, "product_group", {}},
      {"start_date", api::FieldType::kDate, "start_date", {}},
      {"end_date", api::FieldType::kDate, "end_date", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& TargetOrderFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"start_date", "start_date", false}};
  return *fields;
}

bool MaskNames(const google::protobuf::FieldMask& mask, const std::string& field) {
  for (const std::string& path : mask.paths()) {
    if (path == "*" || path == field) return true;
  }
  return false;
}

// Targets whose period overlaps first..last.
std::vector<v1::SalesTarget> LoadTargets(db::Connection& c, const google::type::Date& first,
                                         const google::type::Date& last) {
  static const api::OrderBy by_id{{{"id", false, false}}};
  return SalesTargetTable()
      .List<v1::SalesTarget>(c, {"start_date <= ? AND end_date >= ?", {api::IsoDate(last), api::IsoDate(first)}},
                             by_id, {}, 1'000'000)
      .resources;
}

// Opportunities closing from first to last, as the forecast reads them:
// one pass over the close-date index.
std::vector<PipelineFact> LoadPipeline(db::Connection& c, const google::type::Date& first,
                                       const google::type::Date& last) {
  static const api::OrderBy by_close_date{{{"close_date", false, false}, {"id", false, false}}};
  std::vector<PipelineFact> facts;
  const db::SqlFragment window{"close_date BETWEEN ? AND ?",
                               {api::IsoDate(first), api::IsoDate(last)}};
  OpportunityTable().ForEach<v1::Opportunity>(
      c, window, by_close_date, [&facts](const v1::Opportunity& o) {
        PipelineFact fact;
        fact.close_date = api::CivilDayOf(o.close_date());
        fact.state = o.state();
        fact.territory = o.territory();
        fact.owner = o.owner();
        fact.product_group = o.product_group();
        fact.currency_code = o.expected_revenue().currency_code();
        fact.expected_revenue = money::ToNanos(o.expected_revenue());
        fact.weighted_revenue = money::ToNanos(o.weighted_revenue());
        facts.push_back(std::move(fact));
      });
  return facts;
}

}  // namespace

absl::Status PlanningService::CheckReps(
    const CallContext& call, const std::vector<std::pair<std::string*, std::string>>& reps) {
  std::vector<partners::PartnerRef> refs;
  for (const auto& [name, field] : reps)
    refs.push_back({name, field, partners::PartnerNeed::kEmployee});
  return partners::ResolvePartnerRefs(*partners_, call.deadline, refs, {}, nullptr);
}

grpc::ServerUnaryReactor* PlanningService::CreateSalesTarget(
    grpc::CallbackServerContext* context, const v1::CreateSalesTargetRequest* request,
    v1::SalesTarget* response) {
  return server::RunUnary(
      runtime_, context, "CreateSalesTarget", request, response,
      [this](const CallContext& call, const v1::CreateSalesTargetRequest& req,
             v1::SalesTarget* resp) -> absl::Status {
        if (!req.has_sales_target()) return InvalidField(kSalesTarget, "is required");
        v1::SalesTarget target = req.sales_target();
        Violations violations;
        ValidateSalesTarget(target, kSalesTarget, &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();
        if (absl::Status s = CheckReps(call, {{target.mutable_sales_rep(), "sales_target.sales_rep"}});
            !s.ok()) {
          return s;
        }
        return server::CreateResource(runtime_, call, SalesTargets(), "", "", &target,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* PlanningService::GetSalesTarget(grpc::CallbackServerContext* context,
                                                          const v1::GetSalesTargetRequest* request,
                                                          v1::SalesTarget* response) {
  return server::RunUnary(
      runtime_, context, "GetSalesTarget", request, response,
      [this](const CallContext&, const v1::GetSalesTargetRequest& req, v1::SalesTarget* resp) {
        return server::GetResource(runtime_, SalesTargets(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* PlanningService::ListSalesTargets(
    grpc::CallbackServerContext* context, const v1::ListSalesTargetsRequest* request,
    v1::ListSalesTargetsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSalesTargets", request, response,
      [this](const CallContext&, const v1::ListSalesTargetsRequest& req,
             v1::ListSalesTargetsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      TargetFilterFields(), TargetOrderFields(), "start_date");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, SalesTargets(), *query,
                                     resp->mutable_sales_targets(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* PlanningService::UpdateSalesTarget(
    grpc::CallbackServerContext* context, const v1::UpdateSalesTargetRequest* request,
    v1::SalesTarget* response) {
  return server::RunUnary(
      runtime_, context, "UpdateSalesTarget", request, response,
      [this](const CallContext& call, const v1::UpdateSalesTargetRequest& req,
             v1::SalesTarget* resp) -> absl::Status {
        if (!req.has_sales_target()) return InvalidField(kSalesTarget, "is required");
        v1::SalesTarget sent = req.sales_target();
        if (MaskNames(req.update_mask(), "sales_rep") && !sent.sales_rep().empty()) {
          if (absl::Status s = api::ParseResourceName(sent.sales_rep(), "partners",
                                                      "sales_target.sales_rep")
                                   .status();
              !s.ok()) {
            return s;
          }
          if (absl::Status s = CheckReps(call, {{sent.mutable_sales_rep(), "sales_target.sales_rep"}});
              !s.ok()) {
            return s;
          }
        }
        return server::UpdateResource(runtime_, call, SalesTargets(), &sent, req.update_mask(),
                                      resp);
      });
}

grpc::ServerUnaryReactor* PlanningService::DeleteSalesTarget(
    grpc::CallbackServerContext* context, const v1::DeleteSalesTargetRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteSalesTarget", request, response,
                          [this](const CallContext& call, const v1::DeleteSalesTargetRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, SalesTargets(),
                                                          req.name(), req.etag());
                          });
}

grpc::ServerUnaryReactor* PlanningService::ForecastSales(grpc::CallbackServerContext* context,
                                                         const v1::ForecastSalesRequest* request,
                                                         v1::ForecastSalesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ForecastSales", request, response,
      [this](const CallContext&, const v1::ForecastSalesRequest& req,
             v1::ForecastSalesResponse* resp) -> absl::Status {
        Violations violations;
        ValidateForecastRequest(req, &violations);
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          *resp = BuildForecast(
              req, LoadPipeline(c, req.start_date(), req.end_date()),
              LoadRevenue(c, api::CivilDayOf(req.start_date()), api::CivilDayOf(req.end_date())),
              LoadTargets(c, req.start_date(), req.end_date()));
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PlanningService::CreateCommissionPlan(
    grpc::CallbackServerContext* context, const v1::CreateCommissionPlanRequest* request,
    v1::CommissionPlan* response) {
  return server::RunUnary(
      runtime_, context, "CreateCommissionPlan", request, response,
      [this](const CallContext& call, const v1::CreateCommissionPlanRequest& req,
             v1::CommissionPlan* resp) -> absl::Status {
        if (!req.has_commission_plan()) return InvalidField(kCommissionPlan, "is required");
        v1::CommissionPlan plan = req.commission_plan();
        Violations violations;
        violations.AddAll(api::CheckResourceId(req.commission_plan_id(), "commission_plan_id"));
        ValidateCommissionPlan(plan, kCommissionPlan, &violations);
        if (!violations.empty()) return violations.ToStatus();
        std::vector<std::pair<std::string*, std::string>> reps;
        for (int i = 0; i < plan.sales_reps_size(); ++i) {
          reps.emplace_back(plan.mutable_sales_reps(i),
                            validation::Element("commission_plan.sales_reps", i));
        }
        if (absl::Status s = CheckReps(call, reps); !s.ok()) return s;
        return server::CreateResource(runtime_, call, CommissionPlans(), req.commission_plan_id(),
                                      "commission_plan_id", &plan, "", req, resp);
      });
}

grpc::ServerUnaryReactor* PlanningService::GetCommissionPlan(
    grpc::CallbackServerContext* context, const v1::GetCommissionPlanRequest* request,
    v1::CommissionPlan* response) {
  return server::RunUnary(runtime_, context, "GetCommissionPlan", request, response,
                          [this](const CallContext&, const v1::GetCommissionPlanRequest& req,
                                 v1::CommissionPlan* resp) {
                            return server::GetResource(runtime_, CommissionPlans(), req.name(),
                                                       resp);
                          });
}

grpc::ServerUnaryReactor* PlanningService::ListCommissionPlans(
    grpc::CallbackServerContext* context, const v1::ListCommissionPlansRequest* request,
    v1::ListCommissionPlansResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListCommissionPlans", request, response,
      [this](const CallContext&, const v1::ListCommissionPlansRequest& req,
             v1::ListCommissionPlansResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order.keys = {{"id", false, false}};
        return server::ListResources(runtime_, CommissionPlans(), query,
                                     resp->mutable_commission_plans(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* PlanningService::UpdateCommissionPlan(
    grpc::CallbackServerContext* context, const v1::UpdateCommissionPlanRequest* request,
    v1::CommissionPlan* response) {
  return server::RunUnary(
      runtime_, context, "UpdateCommissionPlan", request, response,
      [this](const CallContext& call, const v1::UpdateCommissionPlanRequest& req,
             v1::CommissionPlan* resp) -> absl::Status {
        if (!req.has_commission_plan()) return InvalidField(kCommissionPlan, "is required");
        v1::CommissionPlan sent = req.commission_plan();
        if (MaskNames(req.update_mask(), "sales_reps")) {
          std::vector<std::pair<std::string*, std::string>> reps;
          for (int i = 0; i < sent.sales_reps_size(); ++i) {
            reps.emplace_back(sent.mutable_sales_reps(i),
                              validation::Element("commission_plan.sales_reps", i));
          }
          // Only the reps here; the rest once the mask is applied.
          Violations violations;
          for (const auto& [name, field] : reps) {
            violations.AddAll(api::ParseResourceName(*name, "partners", field).status());
          }
          if (!violations.empty()) return violations.ToStatus();
          if (absl::Status s = CheckReps(call, reps); !s.ok()) return s;
        }
        return server::UpdateResource(runtime_, call, CommissionPlans(), &sent,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* PlanningService::DeleteCommissionPlan(
    grpc::CallbackServerContext* context, const v1::DeleteCommissionPlanRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteCommissionPlan", request, response,
                          [this](const CallContext& call,
                                 const v1::DeleteCommissionPlanRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, CommissionPlans(),
                                                          req.name(), req.etag());
                          });
}

grpc::ServerUnaryReactor* PlanningService::ComputeCommissions(
    grpc::CallbackServerContext* context, const v1::ComputeCommissionsRequest* request,
    v1::ComputeCommissionsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ComputeCommissions", request, response,
      [this](const CallContext&, const v1::ComputeCommissionsRequest& req,
             v1::ComputeCommissionsResponse* resp) -> absl::Status {
        Violations violations;
        ValidateCommissionRequest(req, &violations);
        if (!violations.empty()) return violations.ToStatus();
        const Period period{api::CivilDayOf(req.start_date()), api::CivilDayOf(req.end_date())};
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          static const api::OrderBy by_id{{{"id", false, false}}};
          const std::vector<v1::CommissionPlan> plans =
              CommissionPlanTable().List<v1::CommissionPlan>(c, {}, by_id, {}, 1'000'000).resources;
          for (v1::CommissionStatement& statement :
               ComputeStatements(plans, LoadRevenue(c, period.first, period.last),
                                 LoadTargets(c, req.start_date(), req.end_date()), period,
                                 req.sales_rep())) {
            *resp->add_statements() = std::move(statement);
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::sales
